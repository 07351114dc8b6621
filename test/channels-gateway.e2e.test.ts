// Channels around the edges: Telegram webhook mode on the gateway's own port, a gateway without
// channels, and the CLI's config-only answer when no gateway is running.
import fs from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { runCli } from "./helpers/cli-process.js";
import { startFakeTelegram, type FakeTelegram } from "./helpers/fake-telegram.js";
import { startGateway } from "./helpers/in-process.js";
import { freePort, localConfig, makeTempState } from "./helpers/temp-state.js";

let h: AgentHarness | undefined;
let tg: FakeTelegram | undefined;
afterEach(async () => {
  await h?.stop();
  await tg?.close();
  h = tg = undefined;
});

const update = (id: number, text: string) => ({
  update_id: id,
  message: { message_id: 50 + id, date: 0, chat: { id: 9001, type: "private" }, from: { id: 9001, first_name: "Web", username: "web" }, text },
});

describe("telegram webhook mode", () => {
  it("registers the webhook, accepts posts with the secret on the gateway port, and answers", async () => {
    tg = await startFakeTelegram();
    h = await startAgentHarness({
      extra: {
        root: {
          channels: {
            telegram: { botToken: tg.token, apiRoot: tg.url, webhookUrl: "https://127.0.0.1/tg-hook", webhookPath: "/tg-hook", webhookSecret: "hook-secret", dmPolicy: "open" },
          },
        },
      },
    });
    h.fake.setBehavior({ echo: true });
    await tg.waitForCall("setWebhook");
    expect(tg.webhookUrl).toBe("https://127.0.0.1/tg-hook");
    const url = `${h.gw.httpUrl}/tg-hook`;
    const post = (body: unknown, secret?: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) }, body: JSON.stringify(body) });
    for (let i = 0; i < 50; i++) {
      const s = (await h.gw.gateway.channels.status()).channelAccounts.telegram?.[0];
      if (s?.connected) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await post(update(1, "no secret"))).status).toBe(401);
    expect((await post(update(2, "bad secret"), "nope")).status).toBe(401);
    expect((await fetch(url)).status).toBe(405);
    const bad = await fetch(url, { method: "POST", headers: { "x-telegram-bot-api-secret-token": "hook-secret" }, body: "{oops" });
    expect(bad.status).toBe(400);
    const ok = await post(update(3, "via webhook"), "hook-secret");
    expect(ok.status).toBe(200);
    const sent = await tg.waitForSent((m) => m.text === "via webhook");
    expect(sent).toMatchObject({ chat_id: "9001", reply_to: 53 });
    expect(tg.calls.some((c) => c.method === "getUpdates")).toBe(false);
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(1);

    const p = await h.connect();
    const out = await p.request("channels.logout", { channel: "telegram" });
    expect(out.payload).toEqual({ channel: "telegram", accountId: "default", cleared: true });
    await tg.waitForCall("deleteWebhook");
    expect(tg.webhookUrl).toBeNull();
    const after = (await p.request("channels.status", {})).payload.channelAccounts.telegram[0];
    expect(after).toMatchObject({ running: false, connected: false, healthState: "stopped" });
    expect((await post(update(4, "after logout"), "hook-secret")).status).toBe(404);
    const badParams = await p.request("channels.logout", { channel: "fax" });
    expect(badParams.ok).toBe(false);
    expect(badParams.error.message).toBe("unknown channel: fax");
    p.close();
  });
});

describe("hot reload", () => {
  it("a config edit restarts only the changed channel section, and removing it stops the channel", async () => {
    tg = await startFakeTelegram();
    h = await startAgentHarness({ extra: { root: { channels: { telegram: { botToken: tg.token, apiRoot: tg.url, pollTimeoutSeconds: 1, dmPolicy: "open" } } } } });
    await tg.waitForCall("getUpdates");
    const gw = h.gw.gateway;
    const file = h.gw.state.configPath;
    const edit = async (change: (c: any) => void) => {
      const c = JSON.parse(await fs.readFile(file, "utf8"));
      change(c);
      await fs.writeFile(file, JSON.stringify(c, null, 2));
      await gw.reloadConfig("test");
    };
    await edit((c) => (c.session = { scope: "per-sender" }));
    expect(tg.calls.filter((c) => c.method === "getMe")).toHaveLength(1);
    await edit((c) => (c.channels.telegram.dmPolicy = "allowlist"));
    await tg.waitForCall("getMe", 2);
    expect((await gw.channels.status()).channelAccounts.telegram![0]).toMatchObject({ dmPolicy: "allowlist" });
    await edit((c) => delete c.channels);
    expect((await gw.channels.status()).channelOrder).toEqual([]);
    const polls = tg.calls.filter((c) => c.method === "getUpdates").length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(tg.calls.filter((c) => c.method === "getUpdates").length).toBeLessThanOrEqual(polls + 1);
    expect(tg.calls.filter((c) => c.method === "getMe")).toHaveLength(2);
  });
});

describe("no channels", () => {
  it("channels.status is empty, /readyz is ready, and send names the unknown channel", async () => {
    const gw = await startGateway();
    try {
      const status = await gw.gateway.channels.status({ probe: true });
      expect(status).toMatchObject({ channelOrder: [], channelAccounts: {} });
      const ready = await fetch(`${gw.httpUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { failing: string[] }).failing).toEqual([]);
      await expect(gw.gateway.channels.send({ channel: "telegram", to: "1", text: "x" })).rejects.toThrow(/not configured/);
      await expect(gw.gateway.channels.send({ channel: "fax", to: "1", text: "x" })).rejects.toThrow("unknown channel: fax");
    } finally {
      await gw.stop();
    }
  });
});

describe("openclaw channels without a gateway", () => {
  it("status falls back to a config-only summary; list reads the config", async () => {
    const port = await freePort();
    const state = await makeTempState(
      localConfig({ channels: { telegram: { botToken: "1:abc", accounts: { spare: { enabled: false }, other: {} } } } }, { port }),
    );
    try {
      const status = await runCli(["channels", "status"], state.env);
      expect(status.code, status.output).toBe(0);
      expect(status.stderr).toMatch(/Gateway not reachable/);
      expect(status.stdout).toContain("telegram default: configured · dm pairing · token from config");
      expect(status.stdout).toContain("telegram spare: disabled");
      expect(status.stdout).toMatch(/telegram other: not configured \(no bot token/);
      const json = await runCli(["channels", "status", "--json"], state.env);
      expect(JSON.parse(json.stdout)).toMatchObject({ configOnly: true, gateway: { reachable: false } });
      const list = await runCli(["channels", "list", "--json"], state.env);
      expect(JSON.parse(list.stdout).accounts.map((a: any) => a.accountId)).toEqual(["default", "spare", "other"]);
    } finally {
      await state.cleanup();
    }
  });
});
