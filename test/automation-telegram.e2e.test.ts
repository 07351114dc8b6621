// Automation and channels together, end to end through the fake Telegram Bot API: a cron job fires
// at its time and its reply arrives in the chat; `wake` runs a heartbeat whose alert arrives in the
// chat while a HEARTBEAT_OK reply never does; a hook agent's reply and a heartbeat with target
// "last" go to the chat the owner last wrote from, and the hook's summary reaches the main session.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { startFakeTelegram, type FakeTelegram } from "./helpers/fake-telegram.js";
import type { Probe } from "./helpers/ws-probe.js";

let h: AgentHarness | undefined;
let tg: FakeTelegram | undefined;
let ws: Probe | undefined;
afterEach(async () => {
  ws?.close();
  await h?.stop();
  await tg?.close();
  h = tg = ws = undefined;
});

const CHAT = "70001";

async function start() {
  tg = await startFakeTelegram();
  h = await startAgentHarness({
    extra: {
      defaults: { heartbeat: { every: "0m", target: "telegram", to: CHAT } },
      root: { channels: { telegram: { botToken: tg.token, apiRoot: tg.url, pollTimeoutSeconds: 1, dmPolicy: "open" } } },
    },
    gateway: { channelTiming: { backoffBaseMs: 100, backoffMaxMs: 400, connectGraceMs: 3_000 } },
  });
  await tg.waitForCall("getUpdates");
  ws = await h.connect();
  return { tg, h, ws };
}

async function ok(method: string, params: unknown) {
  const res = await ws!.request(method, params);
  expect(res.ok, JSON.stringify(res.error)).toBe(true);
  return res.payload;
}

describe("automation delivers through Telegram", () => {
  it("a cron job fires at its time and its reply arrives in the chat", async () => {
    const { tg, h } = await start();
    h.fake.setBehavior({ text: "Standup: all green." });
    const at = new Date(Date.now() + 1500).toISOString();
    const job = await ok("cron.add", {
      name: "standup",
      schedule: { kind: "at", at },
      sessionTarget: "isolated",
      wakeMode: "now",
      payload: { kind: "agentTurn", message: "write the standup" },
      delivery: { mode: "announce", channel: "telegram", to: CHAT },
    });
    const sent = await tg.waitForSent((m) => m.chat_id === CHAT && m.text.includes("Standup: all green."), 15_000);
    // Not before its time.
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at));
    expect(sent.text).toContain("Standup: all green.");
    let runs: any;
    for (let i = 0; i < 100 && !runs?.total; i++) {
      runs = await ok("cron.runs", { id: job.id });
      if (!runs.total) await new Promise((r) => setTimeout(r, 50));
    }
    expect(runs.entries[0]).toMatchObject({ status: "ok", delivery: { status: "sent", channel: "telegram", to: CHAT } });
  });

  it("wake runs a heartbeat: an alert reaches the chat, HEARTBEAT_OK does not", async () => {
    const { tg, h } = await start();
    await fs.writeFile(path.join(h.workspace, "HEARTBEAT.md"), "# Heartbeat\n- check the disk\n");
    h.fake.script({ text: "HEARTBEAT_OK" });
    await ok("wake", { mode: "now", text: "routine check" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(1);
    expect(tg.sent.filter((m) => m.chat_id === CHAT)).toHaveLength(0);

    h.fake.script({ text: "Disk at 97% on /var." });
    await ok("wake", { mode: "now", text: "disk alarm" });
    const alert = await tg.waitForSent((m) => m.chat_id === CHAT, 15_000);
    expect(alert.text).toContain("Disk at 97%");
    const lastCall = h.fake.requests.filter((r) => r.api === "chat").at(-1)!;
    expect(JSON.stringify(lastCall.body.messages)).toContain("disk alarm");
  });

  it("hooks and heartbeat target \"last\": replies go where the owner last wrote from; the hook's summary reaches the main session", async () => {
    const HOOK_TOKEN = "hook-token-for-last-route-0123";
    const OWNER = 70002;
    tg = await startFakeTelegram();
    h = await startAgentHarness({
      extra: {
        defaults: { heartbeat: { every: "0m", target: "last" } },
        root: {
          channels: { telegram: { botToken: tg.token, apiRoot: tg.url, pollTimeoutSeconds: 1, dmPolicy: "open" } },
          hooks: { enabled: true, token: HOOK_TOKEN },
        },
      },
      gateway: { channelTiming: { backoffBaseMs: 100, backoffMaxMs: 400, connectGraceMs: 3_000 } },
    });
    await tg.waitForCall("getUpdates");
    ws = await h.connect();
    const hook = (body: unknown) =>
      fetch(`${h!.gw.httpUrl}/hooks/agent`, { method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });

    // Before anyone wrote: nothing to deliver to, and the hook still answers and runs.
    h.fake.setBehavior({ text: "Nobody to tell." });
    const early = await hook({ message: "early event", name: "Early", wakeMode: "next-heartbeat" });
    expect(early.status).toBe(200);
    await h.gw.gateway.agents.engine.get(((await early.json()) as { runId: string }).runId)?.done;

    // The owner writes a DM: the main session now has a last route.
    h.fake.setBehavior({ text: "hello Ada" });
    tg.pushMessage({ chat: { id: OWNER, type: "private" }, from: { id: OWNER, first_name: "Ada" }, text: "hi" });
    await tg.waitForSent((m) => m.chat_id === String(OWNER) && m.text.includes("hello Ada"), 15_000);
    const main = await ok("sessions.list", {});
    expect(JSON.stringify(main)).toContain('"lastTo":"70002"');

    // A hook agent run with the defaults (deliver, channel "last") lands in that chat.
    h.fake.setBehavior({ text: "Build #42 failed: flaky test." });
    const res = await hook({ message: "CI failed on main", name: "CI", wakeMode: "next-heartbeat" });
    expect(res.status).toBe(200);
    await tg.waitForSent((m) => m.chat_id === String(OWNER) && m.text.includes("Build #42 failed"), 15_000);
    // deliver:false keeps the reply out of the chat.
    h.fake.setBehavior({ text: "Quiet note." });
    const { runId } = (await (await hook({ message: "log only", name: "Quiet", deliver: false, wakeMode: "next-heartbeat" })).json()) as { runId: string };
    await h.gw.gateway.agents.engine.get(runId)?.done;
    await new Promise((r) => setTimeout(r, 300));
    expect(tg.sent.some((m) => m.text.includes("Quiet note."))).toBe(false);
    expect(tg.sent.some((m) => m.text.includes("Nobody to tell."))).toBe(false);

    // The next heartbeat sees the hooks' summaries, and its alert goes to the last route too.
    h.fake.script({ text: "Heads up: CI is red." });
    await ok("wake", { mode: "now", text: "check in" });
    const alert = await tg.waitForSent((m) => m.chat_id === String(OWNER) && m.text.includes("CI is red"), 15_000);
    expect(alert.text).toContain("Heads up");
    const beat = JSON.stringify(h.fake.requests.filter((r) => r.api === "chat").at(-1)!.body.messages);
    expect(beat).toContain("Hook CI: Build #42 failed: flaky test.");
    expect(beat).toContain("Hook Quiet: Quiet note.");
    expect(beat).toContain("Hook Early: Nobody to tell.");
  });
});
