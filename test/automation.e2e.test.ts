// Automation end to end: a real gateway with the fake provider; cron jobs over WS and the CLI,
// persistence across a restart, wake / heartbeat, /hooks/wake and bad params.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGateway } from "../src/gateway/gateway.js";
/** What the channels service answers for a channel with no configured account. */
const NOT_CONFIGURED = "channel telegram account default is not available: not configured";
import { createLogger } from "../src/logging/logger.js";
import { agentConfig, startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { runCli } from "./helpers/cli-process.js";
import { TEST_TOKEN } from "./helpers/temp-state.js";
import type { Probe } from "./helpers/ws-probe.js";

const HOOK_TOKEN = "hook-token-0123456789";
let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(extra: Record<string, any> = {}): Promise<{ h: AgentHarness; ws: Probe }> {
  h = await startAgentHarness({ extra });
  return { h, ws: await h.connect() };
}

/** Resolves once the fake provider got a model request containing `text`. */
async function providerSaw(text: string, timeoutMs = 10_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const hit = h!.fake.requests.find((r) => r.api === "chat" && JSON.stringify(r.body).includes(text));
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the provider never saw ${JSON.stringify(text)}`);
}

async function ok(ws: Probe, method: string, params: unknown) {
  const res = await ws.request(method, params);
  if (!res.ok) throw new Error(`${method} failed: ${JSON.stringify(res.error)}`);
  return res.payload;
}

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const agentTurnJob = (at: string, message: string) => ({
  name: "standup",
  schedule: { kind: "at", at },
  sessionTarget: "isolated",
  wakeMode: "now",
  payload: { kind: "agentTurn", message },
});

describe("cron over the gateway", () => {
  it("a job added over WS fires at its time, its agent turn reaches the provider, and cron.runs records it", async () => {
    const { ws } = await start();
    const at = new Date(Date.now() + 1500).toISOString();
    const job = await ok(ws, "cron.add", agentTurnJob(at, "write the standup notes"));
    expect(job).toMatchObject({ id: expect.any(String), name: "standup", enabled: true, state: { nextRunAtMs: Date.parse(at) } });
    expect(h!.fake.requests.filter((r) => r.api === "chat")).toHaveLength(0);
    const body = await providerSaw("write the standup notes");
    expect(JSON.stringify(body)).toContain("standup");
    const finished = await ws.next((f) => f.type === "event" && f.event === "cron" && f.payload.action === "finished", 10_000);
    expect(finished.payload).toMatchObject({ jobId: job.id, status: "ok", summary: "Hello from fake." });
    const runs = await ok(ws, "cron.runs", { id: job.id });
    expect(runs).toMatchObject({ total: 1, hasMore: false, entries: [{ jobId: job.id, status: "ok", trigger: "schedule", sessionKey: `agent:main:cron:${job.id}`, summary: "Hello from fake." }] });
    expect(runs.entries[0].runAtMs).toBeGreaterThanOrEqual(Date.parse(at));
    // The one-shot job is done: disabled, no next run.
    const { jobs } = await ok(ws, "cron.list", { includeDisabled: true });
    expect(jobs[0]).toMatchObject({ id: job.id, enabled: false, state: { lastStatus: "ok" } });
    expect(jobs[0].state.nextRunAtMs).toBeUndefined();
    expect((await ok(ws, "cron.list", {})).jobs).toEqual([]);
  });

  it("an every-1000 ms systemEvent job queues its text for the main session's next heartbeat", async () => {
    const { ws } = await start();
    const job = await ok(ws, "cron.add", { name: "nudge", schedule: { kind: "every", everyMs: 1000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "check the oven" } });
    await eventually(async () => ((await ok(ws, "cron.runs", { id: job.id })).total >= 2 ? true : undefined));
    const status = await ok(ws, "status", {});
    expect(status.queuedSystemEvents).toContain("check the oven");
    // No model call until a heartbeat runs; then the events ride on it.
    expect(h!.fake.requests.filter((r) => r.api === "chat")).toHaveLength(0);
    await ok(ws, "cron.remove", { id: job.id });
    await ok(ws, "wake", { mode: "now", text: "and the mail" });
    await providerSaw("System event: check the oven");
    await providerSaw("System event: and the mail");
  });

  it("an agentTurn with announce delivery to a channel that is not configured records the delivery as failed", async () => {
    const { ws } = await start();
    const job = await ok(ws, "cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "daily digest"), delivery: { mode: "announce", channel: "telegram", to: "12345" } });
    expect(await ok(ws, "cron.run", { id: job.id })).toMatchObject({ ok: true, enqueued: true, runId: expect.any(String) });
    const runs = await eventually(async () => {
      const r = await ok(ws, "cron.runs", { id: job.id });
      return r.total ? r : undefined;
    });
    expect(runs.entries[0]).toMatchObject({
      trigger: "manual",
      status: "error",
      error: `delivery failed: ${NOT_CONFIGURED}`,
      delivery: { status: "failed", channel: "telegram", to: "12345", error: NOT_CONFIGURED },
    });
    await eventually(async () => ((await ok(ws, "cron.status", {})).running === 0 ? true : undefined));
    // A manual run of a one-shot job does not use up its scheduled run.
    expect((await ok(ws, "cron.list", {})).jobs[0]).toMatchObject({ enabled: true, state: { nextRunAtMs: Date.parse("2099-01-01T00:00:00Z") } });
    expect(await ok(ws, "cron.run", { id: job.id, mode: "due" })).toEqual({ ok: true, ran: false, reason: "not-due" });
  });

  it("cron.maxConcurrentRuns: a second due job waits for the first to finish", async () => {
    const { ws } = await start({ root: { cron: { maxConcurrentRuns: 1 } } });
    h!.fake.setBehavior({ delayMs: 600, deltas: 3 });
    const a = await ok(ws, "cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "job a"), name: "a" });
    const b = await ok(ws, "cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "job b"), name: "b" });
    await ok(ws, "cron.run", { id: a.id });
    await ok(ws, "cron.run", { id: b.id });
    expect(await ok(ws, "cron.status", {})).toMatchObject({ running: 1, queued: 1, maxConcurrentRuns: 1 });
    const entry = async (id: string) =>
      eventually(async () => {
        const r = await ok(ws, "cron.runs", { id });
        return r.total ? r.entries[0] : undefined;
      });
    const [ra, rb] = [await entry(a.id), await entry(b.id)];
    expect(ra.status).toBe("ok");
    expect(rb.status).toBe("ok");
    expect(rb.runAtMs).toBeGreaterThanOrEqual(ra.ts);
  });

  it("jobs survive a gateway restart (persisted in <stateDir>/cron/jobs.json, mode 0600)", async () => {
    const { ws } = await start();
    const job = await ok(ws, "cron.add", { name: "weekly", schedule: { kind: "cron", expr: "0 9 * * 1", tz: "Europe/Berlin" }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "weekly review" } });
    ws.close();
    const { state } = h!.gw;
    const file = path.join(state.stateDir, "cron", "jobs.json");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    // A brand-new gateway object on the same state dir (the first one stopped).
    await h!.gw.gateway.stop();
    const logger = createLogger({ dir: state.logDir, console: false });
    const second = createGateway({ configPath: state.configPath, stateDir: state.stateDir, env: state.env, cli: { port: 0 }, lock: false, logger });
    await second.start();
    try {
      const ws2 = await (await import("./helpers/ws-probe.js")).connectProbe(`ws://127.0.0.1:${second.port}`, (await import("./helpers/ws-probe.js")).connectParams({ auth: { token: TEST_TOKEN } }));
      const { jobs } = await ok(ws2.probe, "cron.list", {});
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ id: job.id, name: "weekly", schedule: { kind: "cron", expr: "0 9 * * 1", tz: "Europe/Berlin" }, state: { nextRunAtMs: job.state.nextRunAtMs } });
      expect(new Date(jobs[0].state.nextRunAtMs).getUTCDay()).toBe(1);
      ws2.probe.close();
    } finally {
      await second.stop();
      await logger.close();
    }
  });

  it("rejects bad params with one line naming the problem", async () => {
    const { ws } = await start();
    const bad = async (method: string, params: unknown) => {
      const res = await ws.request(method, params);
      expect(res.ok).toBe(false);
      expect(res.error.code).toBe("INVALID_REQUEST");
      return res.error.message as string;
    };
    expect(await bad("cron.add", { schedule: { kind: "every", everyMs: 5000 }, sessionTarget: "main", wakeMode: "now", payload: { kind: "systemEvent", text: "x" } })).toMatch(/^invalid cron.add params: must have required property 'name'/);
    expect(await bad("cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "x"), schedule: { kind: "every", everyMs: 10 } })).toMatch(/invalid cron.add params/);
    expect(await bad("cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "x"), schedule: { kind: "cron", expr: "0 9 * * *", tz: "Mars/Base" } })).toBe('invalid cron.add params: unknown time zone: "Mars/Base"');
    expect(await bad("cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "x"), schedule: { kind: "cron", expr: "99 * * * *" } })).toMatch(/invalid cron expression "99 \* \* \* \*"/);
    expect(await bad("cron.add", { ...agentTurnJob("not a date", "x") })).toMatch(/not an ISO date-time/);
    expect(await bad("cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "x"), sessionTarget: "main" })).toMatch(/sessionTarget "main" requires payload.kind "systemEvent"/);
    expect(await bad("cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "x"), agentId: "ghost" })).toBe('invalid cron.add params: unknown agent id "ghost"');
    expect(await bad("cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "x"), delivery: { mode: "announce" } })).toMatch(/requires delivery.channel and delivery.to/);
    expect(await bad("cron.add", { ...agentTurnJob("2099-01-01T00:00:00Z", "x"), extra: 1 })).toMatch(/must NOT have additional properties \(extra\)/);
    expect(await bad("cron.run", {})).toBe("invalid cron.run params: id or jobId required");
    expect(await bad("cron.update", { id: "nope", patch: { name: "y" } })).toBe('unknown cron job id "nope"');
    expect(await bad("cron.runs", { limit: 500 })).toMatch(/invalid cron.runs params/);
    expect(await bad("wake", { mode: "later", text: "x" })).toMatch(/invalid wake params/);
    expect(await bad("wake", { mode: "now" })).toMatch(/must have required property 'text'/);
    expect(await bad("set-heartbeats", { enabled: "yes" })).toMatch(/invalid set-heartbeats params/);
    expect((await ok(ws, "cron.list", { includeDisabled: true })).jobs).toEqual([]);
    // Scopes: a read-only operator may list but not add.
    const reader = await h!.connect({ scopes: ["operator.read"] });
    expect((await reader.request("cron.list", {})).ok).toBe(true);
    const denied = await reader.request("cron.add", agentTurnJob("2099-01-01T00:00:00Z", "x"));
    expect(denied.ok).toBe(false);
    expect(JSON.stringify(denied.error)).toContain("operator.admin");
    expect((await reader.request("wake", { mode: "now", text: "x" })).ok).toBe(false);
  });

  it("the CLI adds, lists, runs, shows history and removes through the gateway", async () => {
    await start();
    const env = h!.gw.state.env;
    const conn = ["--url", h!.gw.url, "--token", TEST_TOKEN];
    const add = await runCli(["cron", "add", "--name", "cli job", "--every", "1h", "--message", "from the cli", "--json", ...conn], env);
    expect(add.code, add.output).toBe(0);
    const job = JSON.parse(add.stdout);
    expect(job).toMatchObject({ name: "cli job", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", payload: { kind: "agentTurn", message: "from the cli" } });
    const list = await runCli(["cron", "list", ...conn], env);
    expect(list.stdout).toContain(`${job.id}  cli job  every 1h  next in`);
    const run = await runCli(["cron", "run", job.id, ...conn], env);
    expect(run.stdout).toMatch(/^Started /);
    await providerSaw("from the cli");
    const runs = await eventually(async () => {
      const r = await runCli(["cron", "runs", "--id", job.id, ...conn], env);
      return r.stdout.includes("ok  manual") ? r : undefined;
    });
    expect(runs.code).toBe(0);
    const edit = await runCli(["cron", "edit", job.id, "--disable", "--json", ...conn], env);
    expect(JSON.parse(edit.stdout)).toMatchObject({ id: job.id, enabled: false });
    const status = await runCli(["cron", "status", ...conn], env);
    expect(status.stdout).toMatch(/^Scheduler: on/m);
    const usage = await runCli(["cron", "add", "--name", "x", "--every", "5 minutes", "--message", "m", ...conn], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--every: expected a duration/);
    const rm = await runCli(["cron", "rm", job.id, ...conn], env);
    expect(rm.stdout).toContain(`Removed ${job.id}`);
    expect((await runCli(["cron", "rm", job.id, ...conn], env)).code).toBe(1);
  });
});

/** Records what would go out to a chat: the seam the channels service fills (GatewayServices.channels). */
function recordingChannels() {
  const sent: { channel: string; to: string; text: string; accountId?: string; idempotencyKey?: string }[] = [];
  return { sent, async send(req: (typeof sent)[number]) { sent.push(req); return { channel: req.channel, messageId: `m${sent.length}`, chunks: 1 }; } };
}

describe("delivery through a channels service", () => {
  it("heartbeat: HEARTBEAT_OK is never sent, an alert is; cron announce sends the reply", async () => {
    const { ws } = await start({ defaults: { heartbeat: { target: "telegram", to: "42", accountId: "bot1" } } });
    const channels = recordingChannels();
    // Only outbound send is recorded; the gateway's channels service keeps its other duties (stop...).
    (h!.gw.gateway.channels as unknown as { send: unknown }).send = channels.send;
    h!.fake.script({ text: "All calm. HEARTBEAT_OK" });
    const ack = await h!.gw.gateway.automation.heartbeat.requestNow("main", "wake");
    expect(ack).toMatchObject({ status: "ok-token" });
    expect(channels.sent).toEqual([]);
    h!.fake.script({ text: "Disk at 97%." });
    const alert = await h!.gw.gateway.automation.heartbeat.requestNow("main", "wake");
    expect(alert).toMatchObject({ status: "sent", delivery: { status: "sent", messageId: "m1" } });
    expect(channels.sent).toEqual([{ channel: "telegram", to: "42", accountId: "bot1", text: "Disk at 97%.", idempotencyKey: `heartbeat:${alert!.runId}` }]);
    const job = await ok(ws, "cron.add", { ...agentTurnJob(new Date(Date.now() + 1000).toISOString(), "morning brief"), delivery: { mode: "announce", channel: "telegram", to: "7" } });
    const runs = await eventually(async () => {
      const r = await ok(ws, "cron.runs", { id: job.id });
      return r.total ? r : undefined;
    });
    expect(runs.entries[0]).toMatchObject({ status: "ok", delivery: { status: "sent", channel: "telegram", to: "7", messageId: "m2" } });
    expect(channels.sent[1]).toMatchObject({ channel: "telegram", to: "7", text: "Hello from fake." });
  });
});

describe("heartbeat and wake", () => {
  it("wake now runs a heartbeat in the main session with HEARTBEAT.md; HEARTBEAT_OK is swallowed", async () => {
    const { ws } = await start({ defaults: { heartbeat: { every: "30m", target: "telegram", to: "42" } } });
    await fs.writeFile(path.join(h!.workspace, "HEARTBEAT.md"), "# Heartbeat\n- look at the build status\n");
    expect(await ok(ws, "last-heartbeat", {})).toBeNull();
    h!.fake.script({ text: "HEARTBEAT_OK" });
    expect(await ok(ws, "wake", { mode: "now", text: "the build finished" })).toEqual({ ok: true, mode: "now" });
    const body = await providerSaw("System event: the build finished");
    expect(JSON.stringify(body)).toContain("look at the build status");
    expect(JSON.stringify(body)).toContain("HEARTBEAT_OK");
    const ev = await ws.next((f) => f.type === "event" && f.event === "heartbeat", 10_000);
    expect(ev.payload).toMatchObject({ agentId: "main", reason: "wake", status: "ok-token", sessionKey: "agent:main:main", systemEvents: 1 });
    // Nothing was sent anywhere for an acknowledgement.
    expect(ev.payload.delivery).toBeUndefined();
    expect(await ok(ws, "last-heartbeat", {})).toEqual(ev.payload);
    // Something to say is an alert: it is delivered (and here, with no channels service, fails with the reason).
    h!.fake.script({ text: "The build is red since 10:00." });
    await ok(ws, "wake", { mode: "now", text: "second check" });
    const alert = await ws.next((f) => f.type === "event" && f.event === "heartbeat", 10_000);
    expect(alert.payload).toMatchObject({ status: "failed", preview: "The build is red since 10:00.", delivery: { status: "failed", channel: "telegram", to: "42", error: NOT_CONFIGURED } });
    // Clients see no heartbeat text while it streams; the acknowledgement ends with a message-less
    // final (spec 3.3), the alert with the whole text.
    const chat = ws.frames.filter((f) => f.type === "event" && f.event === "chat" && f.payload.sessionKey === "agent:main:main");
    expect(chat.filter((f) => f.payload.state === "delta")).toEqual([]);
    const finals = chat.filter((f) => f.payload.state === "final");
    expect(finals).toHaveLength(2);
    expect(finals[0].payload.message).toBeUndefined();
    expect(finals[1].payload.message.content[0].text).toBe("The build is red since 10:00.");
    expect(ws.frames.some((f) => f.event === "agent" && f.payload.stream === "assistant" && f.payload.sessionKey === "agent:main:main")).toBe(false);
  });

  it("next-heartbeat only queues; set-heartbeats false stops wakes from running", async () => {
    const { ws } = await start();
    await ok(ws, "wake", { mode: "next-heartbeat", text: "queued for later" });
    await new Promise((r) => setTimeout(r, 200));
    expect(h!.fake.requests.filter((r) => r.api === "chat")).toHaveLength(0);
    expect((await ok(ws, "status", {})).queuedSystemEvents).toEqual(["queued for later"]);
    expect(await ok(ws, "set-heartbeats", { enabled: false })).toEqual({ ok: true, enabled: false });
    await ok(ws, "wake", { mode: "now", text: "while off" });
    // The skip is immediate: the event may arrive before the wake's response.
    const ev = await eventually(async () => ws.frames.find((f) => f.type === "event" && f.event === "heartbeat"));
    expect(ev.payload).toMatchObject({ status: "skipped", why: expect.stringContaining("disabled") });
    expect(h!.fake.requests.filter((r) => r.api === "chat")).toHaveLength(0);
    await ok(ws, "set-heartbeats", { enabled: true });
    await ok(ws, "wake", { mode: "now", text: "back on" });
    await providerSaw("System event: queued for later\\nSystem event: while off\\nSystem event: back on");
  });

  it("health and status show each agent's heartbeat interval", async () => {
    const { ws } = await start({ defaults: { heartbeat: { every: "1h" } }, list: [{ id: "main" }, { id: "quiet", heartbeat: { every: "0m" } }] });
    const health = await ok(ws, "health", { probe: true });
    expect(health.heartbeatSeconds).toBe(3600);
    expect(health.agents.map((a: any) => [a.agentId, a.heartbeat])).toEqual([
      ["main", { enabled: true, every: "1h", everyMs: 3_600_000 }],
      ["quiet", { enabled: false, every: "0m", everyMs: 0 }],
    ]);
    expect((await ok(ws, "status", {})).heartbeat.agents).toEqual([
      { agentId: "main", enabled: true, every: "1h", everyMs: 3_600_000 },
      { agentId: "quiet", enabled: false, every: "0m", everyMs: 0 },
    ]);
  });

  it("an empty HEARTBEAT.md and no events: the heartbeat makes no model call", async () => {
    const { ws } = await start();
    await fs.writeFile(path.join(h!.workspace, "HEARTBEAT.md"), "# Heartbeat\n<!-- nothing yet -->\n");
    const ev = await h!.gw.gateway.automation.heartbeat.requestNow("main", "interval");
    expect(ev).toMatchObject({ status: "skipped", why: "HEARTBEAT.md is empty" });
    expect(h!.fake.requests.filter((r) => r.api === "chat")).toHaveLength(0);
    ws.close();
  });

  it("POST /hooks/wake with the hooks token triggers the same heartbeat", async () => {
    h = await startAgentHarness({
      stateConfig: (fakeUrl, ws) => agentConfig(fakeUrl, ws, undefined, { root: { hooks: { enabled: true, token: HOOK_TOKEN } } }),
    });
    const ws = await h.connect();
    const res = await fetch(`${h.gw.httpUrl}/hooks/wake`, { method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ text: "deploy done" }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, mode: "now" });
    await providerSaw("System event: deploy done");
    const ev = await ws.next((f) => f.type === "event" && f.event === "heartbeat", 10_000);
    expect(ev.payload).toMatchObject({ reason: "wake", status: "skipped", why: expect.stringContaining('target is "none"') });
    const denied = await fetch(`${h.gw.httpUrl}/hooks/wake`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: JSON.stringify({ text: "x" }) });
    expect(denied.status).toBe(401);
  });
});
