import { describe, expect, it } from "vitest";
import { resolveTelegramToken, telegramPlugin } from "./plugin.js";

const secrets = (values: Record<string, string>) => ({ get: (p: string) => values[p] });

describe("Telegram bot tokens", () => {
  it("reads a SecretRef'd token from the gateway's secrets snapshot by its config path", () => {
    const section = { botToken: { source: "file", provider: "vault", id: "/telegram" }, accounts: { ops: { botToken: { source: "exec", provider: "v", id: "tg/ops" } } } };
    const main = telegramPlugin.resolveAccount(section, "default");
    const ops = telegramPlugin.resolveAccount(section, "ops");
    expect(main.tokenPath).toBe("channels.telegram.botToken");
    expect(ops.tokenPath).toBe("channels.telegram.accounts.ops.botToken");
    const snap = secrets({ "channels.telegram.botToken": "123:main", "channels.telegram.accounts.ops.botToken": "456:ops" });
    expect(resolveTelegramToken(main, {}, snap)).toEqual({ token: "123:main", source: "secret:file" });
    expect(resolveTelegramToken(ops, {}, snap)).toEqual({ token: "456:ops", source: "secret:exec" });
  });

  it("says what to run when a reference has no resolved value, and still reads env refs offline", () => {
    const fileRef = telegramPlugin.resolveAccount({ botToken: { source: "file", provider: "vault", id: "/t" } }, "default");
    expect(resolveTelegramToken(fileRef, {}, secrets({})).error).toContain("openclaw secrets reload");
    const envRef = telegramPlugin.resolveAccount({ botToken: { source: "env", provider: "default", id: "TG_TOKEN" } }, "default");
    expect(resolveTelegramToken(envRef, { TG_TOKEN: "789:env" })).toEqual({ token: "789:env", source: "env" });
  });

  it("names the webhookSecret path an account uses, own or inherited", () => {
    const section = { webhookSecret: { source: "file", provider: "v", id: "/wh" }, accounts: { a: {}, b: { webhookSecret: "inline" } } };
    expect(telegramPlugin.resolveAccount(section, "a").webhookSecretPath).toBe("channels.telegram.webhookSecret");
    expect(telegramPlugin.resolveAccount(section, "b").webhookSecretPath).toBe("channels.telegram.accounts.b.webhookSecret");
  });
});
