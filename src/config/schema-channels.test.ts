import { describe, expect, it } from "vitest";
import { validateConfig } from "./validate.js";

const issues = (config: unknown) => validateConfig(config, "openclaw.json").map((i) => `${i.path}: ${i.message}`);

describe("channels and bindings schema", () => {
  it("accepts a multi-account Telegram section, env token refs, bindings and session scope", () => {
    expect(
      issues({
        channels: {
          defaults: { groupPolicy: "open" },
          telegram: {
            botToken: { source: "env", provider: "default", id: "TELEGRAM_BOT_TOKEN" },
            dmPolicy: "pairing",
            allowFrom: [123, "@alice"],
            groups: { "*": { requireMention: true }, "-100": { allowFrom: ["7"] } },
            accounts: { work: { botToken: "1:x", dmPolicy: "allowlist", webhookUrl: "https://bot.example/tg" } },
          },
          whatsapp: { anything: true },
        },
        bindings: [
          { agentId: "work", match: { channel: "telegram", accountId: "work" } },
          { agentId: "vip", match: { channel: "telegram", peer: { kind: "direct", id: 7 } } },
        ],
        session: { scope: "global" },
      }),
    ).toEqual([]);
  });

  it("rejects unknown channel ids, typos in Telegram keys, bad policies and loose bindings", () => {
    const out = issues({
      channels: { telegramm: {}, telegram: { dmPolicy: "everyone", botTokn: "x", accounts: { a: { groupPolicy: "some" } } } },
      bindings: [{ agentId: "a", match: { channel: "telegram", peer: { kind: "room", id: 1 } } }, { agentId: "b", match: {} }],
    });
    expect(out.join("\n")).toMatch(/channels.*telegramm/);
    expect(out.join("\n")).toMatch(/channels\.telegram.*botTokn/);
    expect(out.join("\n")).toMatch(/channels\.telegram\.dmPolicy/);
    expect(out.join("\n")).toMatch(/channels\.telegram\.accounts\.a\.groupPolicy/);
    expect(out.join("\n")).toMatch(/bindings\.0\.match\.peer\.kind/);
    expect(out.join("\n")).toMatch(/bindings\.1\.match.*channel/);
  });
});
