// Telegram end to end: a real gateway, grammY against a fake Bot API on loopback, the fake model
// provider, and the CLI as a child process for pairing, status and message send.
import { afterEach, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { runCli } from "./helpers/cli-process.js";
import { startFakeTelegram, type FakeTelegram, type FakeUser } from "./helpers/fake-telegram.js";
import { TEST_TOKEN } from "./helpers/temp-state.js";

let h: AgentHarness | undefined;
let tg: FakeTelegram | undefined;
afterEach(async () => {
  await h?.stop();
  await tg?.close();
  h = tg = undefined;
});

const ALICE: FakeUser = { id: 4001, first_name: "Alice", username: "alice" };
const BOB: FakeUser = { id: 4002, first_name: "Bob", username: "bob" };
const dm = (user: FakeUser) => ({ id: user.id, type: "private" as const });
const GROUP = { id: -100500, type: "supergroup" as const, title: "Team" };
const FAST = { backoffBaseMs: 100, backoffMaxMs: 400, connectGraceMs: 3_000 };

async function start(telegram: Record<string, unknown> = {}, root: Record<string, unknown> = {}) {
  tg = await startFakeTelegram();
  h = await startAgentHarness({
    extra: { root: { channels: { telegram: { botToken: tg.token, apiRoot: tg.url, pollTimeoutSeconds: 1, ...telegram } }, ...root } },
    gateway: { channelTiming: FAST },
  });
  await tg.waitForCall("getUpdates");
  return { tg, h };
}

const cli = (args: string[]) => runCli([...args, "--url", h!.gw.url, "--token", TEST_TOKEN], h!.gw.state.env, 20_000);

describe("telegram channel", () => {
  it("pairs an unknown DM sender, then answers threaded and split after approval through the CLI", async () => {
    const { tg, h } = await start({ textChunkLimit: 200 });
    h.fake.setBehavior({ text: "not yet" });
    tg.pushMessage({ chat: dm(ALICE), from: ALICE, text: "hello?" });
    const pairing = await tg.waitForSent((m) => m.chat_id === String(ALICE.id) && /Pairing code/.test(m.text));
    const code = /Pairing code: ([A-Z0-9]{8})/.exec(pairing.text)![1]!;
    expect(pairing.text).toContain(`openclaw pairing approve telegram ${code}`);
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(0);

    const list = await cli(["pairing", "list", "telegram"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(code);
    const wrong = await cli(["pairing", "approve", "telegram", "ZZZZZZZZ"]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/unknown or expired pairing code/);
    const ok = await cli(["pairing", "approve", "telegram", code.toLowerCase()]);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.stdout).toMatch(/Approved telegram sender Alice/);

    const paragraphs = Array.from({ length: 6 }, (_, i) => `Paragraph ${i + 1}: ${"word ".repeat(14).trim()}.`);
    h.fake.setBehavior({ text: paragraphs.join("\n\n"), deltas: 3, delayMs: 150 });
    const asked = tg.pushMessage({ chat: dm(ALICE), from: ALICE, text: "tell me **everything**" });
    await tg.waitForSent((m) => m.text.includes("Paragraph 6"), 15_000);
    const replies = tg.sent.filter((m) => m.chat_id === String(ALICE.id) && m.text.startsWith("Paragraph"));
    expect(replies.length).toBeGreaterThan(1);
    expect(replies.every((m) => m.text.length <= 200)).toBe(true);
    expect(replies[0]!.reply_to).toBe(asked);
    expect(replies[0]!.parse_mode).toBe("HTML");
    // Split on paragraph boundaries: every part starts a paragraph, nothing lost.
    expect(replies.map((m) => m.text).join("\n\n")).toBe(paragraphs.join("\n\n"));
    expect(tg.actions.some((a) => a.chat_id === String(ALICE.id) && a.action === "typing")).toBe(true);
    const chat = h.fake.requests.filter((r) => r.api === "chat");
    expect(chat).toHaveLength(1);
    expect(JSON.stringify(chat[0]!.body.messages)).toContain("tell me **everything**");
  });

  it("keeps two senders in separate sessions, and ignores group messages without a mention", async () => {
    const { tg, h } = await start({ dmPolicy: "open", groupPolicy: "open" });
    h.fake.setBehavior({ echo: true });
    tg.pushMessage({ chat: dm(ALICE), from: ALICE, text: "alice secret" });
    await tg.waitForSent((m) => m.text === "alice secret");
    tg.pushMessage({ chat: dm(BOB), from: BOB, text: "bob question" });
    await tg.waitForSent((m) => m.text === "bob question");
    const bobCall = h.fake.requests.filter((r) => r.api === "chat").at(-1)!;
    expect(JSON.stringify(bobCall.body.messages)).not.toContain("alice secret");
    const p = await h.connect();
    const sessions = (await p.request("sessions.list", {})).payload.sessions as any[];
    expect(sessions.map((s) => s.key)).toEqual(expect.arrayContaining(["agent:main:telegram:direct:4001", "agent:main:telegram:direct:4002"]));
    expect(sessions.find((s) => s.key === "agent:main:telegram:direct:4001")?.channel).toBe("telegram");
    p.close();

    const before = h.fake.requests.length;
    tg.pushMessage({ chat: GROUP, from: ALICE, text: "just chatting, no bot here" });
    tg.pushMessage({ chat: GROUP, from: BOB, text: `@${tg.bot.username} what time is it` });
    const answered = await tg.waitForSent((m) => m.chat_id === String(GROUP.id));
    expect(answered.text).toBe("@bob: what time is it");
    expect(h.fake.requests.length - before).toBe(1);
    expect(tg.sent.filter((m) => m.chat_id === String(GROUP.id))).toHaveLength(1);
    // A reply to one of the bot's messages counts as a mention.
    tg.pushMessage({ chat: GROUP, from: ALICE, text: "and you?", replyToBot: true });
    await tg.waitForSent((m) => m.text === "@alice: and you?");
  });

  it("retries a 429 after retry_after, and falls back to plain text when Telegram rejects the markup", async () => {
    const { tg, h } = await start({ dmPolicy: "allowlist", allowFrom: [ALICE.id] });
    h.fake.setBehavior({ text: "**done**" });
    tg.failNext("sendMessage", { code: 429, retryAfter: 1 });
    tg.pushMessage({ chat: dm(ALICE), from: ALICE, text: "go" });
    const sent = await tg.waitForSent((m) => m.text === "<b>done</b>", 15_000);
    const attempts = tg.calls.filter((c) => c.method === "sendMessage");
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(sent.parse_mode).toBe("HTML");

    tg.failNext("sendMessage", { code: 400, description: "Bad Request: can't parse entities: unexpected end tag" });
    tg.pushMessage({ chat: dm(ALICE), from: ALICE, text: "again" });
    const plain = await tg.waitForSent((m) => m.text === "**done**");
    expect(plain.parse_mode).toBeUndefined();

    // Not on the allow list: nothing reaches the agent, no pairing code either.
    const calls = h.fake.requests.length;
    tg.pushMessage({ chat: dm(BOB), from: BOB, text: "let me in" });
    await tg.waitForCall("getUpdates", tg.calls.filter((c) => c.method === "getUpdates").length + 2);
    expect(h.fake.requests.length).toBe(calls);
    expect(tg.sent.some((m) => m.chat_id === String(BOB.id))).toBe(false);
  });

  it("reconnects after the Bot API drops and comes back; status --probe shows the bot; send is idempotent", async () => {
    const { tg, h } = await start({ dmPolicy: "open" });
    h.fake.setBehavior({ echo: true });
    await tg.restart(600);
    tg.pushMessage({ chat: dm(ALICE), from: ALICE, text: "still there?" });
    await tg.waitForSent((m) => m.text === "still there?", 15_000);
    const status = await cli(["channels", "status", "--probe", "--json"]);
    expect(status.code, status.output).toBe(0);
    const account = JSON.parse(status.stdout).channelAccounts.telegram[0];
    expect(account).toMatchObject({ accountId: "default", connected: true, running: true, mode: "polling", probe: { ok: true, bot: { username: "fake_claw_bot", name: "Fake Claw Bot" } } });
    expect(account.reconnectAttempts).toBe(0);
    expect(account.lastConnectedAt).toBeGreaterThan(0);
    const human = await cli(["channels", "status", "--probe"]);
    expect(human.stdout).toMatch(/Telegram default: connected · bot @fake_claw_bot \(Fake Claw Bot\)/);

    const args = ["message", "send", "--channel", "telegram", "--to", String(ALICE.id), "--message", "Reminder: _standup_ at 10", "--idempotency-key", "rem-1"];
    const first = await cli(args);
    expect(first.code, first.output).toBe(0);
    const second = await cli(args);
    expect(second.code).toBe(0);
    const delivered = tg.sent.filter((m) => m.text === "Reminder: <i>standup</i> at 10");
    expect(delivered).toHaveLength(1);
    expect(first.stdout).toContain(`message ${delivered[0]!.message_id}`);
    expect(second.stdout).toContain(`message ${delivered[0]!.message_id}`);
    const bad = await cli(["message", "send", "--channel", "nosuch", "--to", "1", "--message", "x"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("unknown channel: nosuch");
  });

  it("marks a rejected token as failed with a clear error and no restart storm; /readyz lists the channel", async () => {
    tg = await startFakeTelegram();
    tg.setTokenValid(false);
    h = await startAgentHarness({
      extra: { root: { channels: { telegram: { botToken: tg.token, apiRoot: tg.url, pollTimeoutSeconds: 1 } } } },
      gateway: { channelTiming: FAST },
    });
    await tg.waitForCall("getMe");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(tg.calls.filter((c) => c.method === "getMe")).toHaveLength(1);
    const p = await h.connect();
    const s = (await p.request("channels.status", {})).payload;
    expect(s.channelAccounts.telegram[0]).toMatchObject({ connected: false, running: false, healthState: "failed" });
    expect(s.channelAccounts.telegram[0].lastError).toMatch(/401 Unauthorized/);
    p.close();
    const ready = await fetch(`${h.gw.httpUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, failing: ["telegram"] });
  });

  it("reports a 409 conflict clearly and recovers when the other consumer goes away", async () => {
    const { tg, h } = await start({ dmPolicy: "open" });
    h.fake.setBehavior({ echo: true });
    tg.failNext("getUpdates", { code: 409 });
    const p = await h.connect();
    let snap: any;
    for (let i = 0; i < 50; i++) {
      snap = (await p.request("channels.status", {})).payload.channelAccounts.telegram[0];
      if (snap.lastError) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(snap.lastError).toMatch(/conflict \(409\): another getUpdates consumer/);
    tg.pushMessage({ chat: dm(ALICE), from: ALICE, text: "after conflict" });
    await tg.waitForSent((m) => m.text === "after conflict", 15_000);
    const after = (await p.request("channels.status", {})).payload.channelAccounts.telegram[0];
    expect(after).toMatchObject({ connected: true, lastError: null, healthState: "healthy" });
    p.close();
  });
});
