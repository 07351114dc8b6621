import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunEngine } from "../agents/engine/engine.js";
import type { SubsystemLogger } from "../logging/logger.js";
import { CronService } from "./cron-service.js";
import type { HeartbeatRunner } from "./heartbeat.js";
import type { CronJob } from "./jobs.js";
import { CronStore } from "./store.js";
import { SystemEventQueue } from "./system-events.js";

let dir: string;
let lines: string[];
const services: CronService[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-cron-"));
  lines = [];
});
afterEach(async () => {
  for (const s of services.splice(0)) {
    s.stop();
    await s.idle();
  }
  await fs.rm(dir, { recursive: true, force: true });
});

function recordingLog(): SubsystemLogger {
  const rec = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  const log = { trace: rec("trace"), debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error"), fatal: rec("fatal"), isLevelEnabled: () => true } as unknown as SubsystemLogger;
  (log as unknown as { child: () => SubsystemLogger }).child = () => log;
  return log;
}

// System-event jobs with wakeMode next-heartbeat touch neither the engine nor the heartbeat.
function service(store: CronStore, events: SystemEventQueue, now: () => number = Date.now): CronService {
  const s = new CronService({
    store,
    engine: undefined as unknown as RunEngine,
    events,
    heartbeat: undefined as unknown as HeartbeatRunner,
    schedulerEnabled: () => true,
    maxConcurrentRuns: () => 1,
    defaultAgentId: () => "main",
    mainKey: () => "main",
    channels: () => undefined,
    log: recordingLog,
    emit: () => {},
    now,
  });
  services.push(s);
  return s;
}

function job(over: Partial<CronJob>): CronJob {
  return {
    id: "j1", name: "ping", enabled: true, createdAtMs: Date.parse("2026-01-01T00:00:00Z"), updatedAtMs: 0,
    schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", wakeMode: "next-heartbeat",
    payload: { kind: "systemEvent", text: "tick" }, state: {}, ...over,
  };
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("cron store", () => {
  it("writes jobs.json atomically with mode 0600 and reads it back", async () => {
    const store = new CronStore(path.join(dir, "cron", "jobs.json"));
    await store.save([job({})]);
    const stat = await fs.stat(store.file);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(store.file, "utf8"))).toMatchObject({ version: 1, jobs: [{ id: "j1" }] });
    expect((await store.load()).jobs.map((j) => j.id)).toEqual(["j1"]);
    expect((await fs.readdir(path.dirname(store.file))).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("a corrupt jobs.json is kept as a .corrupt copy, said in one log line, and the service starts empty", async () => {
    const file = path.join(dir, "cron", "jobs.json");
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"version":1,"jobs":[{"id":');
    const s = service(new CronStore(file), new SystemEventQueue());
    await s.start();
    expect(await s.list(true)).toEqual([]);
    const copies = (await fs.readdir(path.dirname(file))).filter((n) => n.startsWith("jobs.json.corrupt-"));
    expect(copies).toHaveLength(1);
    expect(await fs.readFile(path.join(path.dirname(file), copies[0]!), "utf8")).toBe('{"version":1,"jobs":[{"id":');
    const errors = lines.filter((l) => l.startsWith("error ") && l.includes("corrupt"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(copies[0]);
  });

  it("run history is JSONL, bounded to keepLines, and skips a torn last line", async () => {
    const store = new CronStore(path.join(dir, "jobs.json"), { keepLines: 5, maxBytes: 400 });
    for (let i = 0; i < 12; i++) {
      await store.appendRun({ ts: i, jobId: "j1", action: "finished", trigger: "schedule", status: "ok", runAtMs: i, durationMs: 1 });
    }
    const runs = await store.readRuns("j1");
    expect(runs.length).toBeLessThanOrEqual(7);
    expect(runs.at(-1)!.ts).toBe(11);
    await fs.appendFile(store.runFile("j1"), '{"ts":12,"jobId":"j1","act');
    expect((await store.readRuns("j1")).at(-1)!.ts).toBe(11);
    expect(() => store.runFile("../evil")).toThrow();
  });
});

describe("missed runs while the gateway was down", () => {
  it("a recurring job that missed runs runs once at start, and the log says how many were missed", async () => {
    const now = Date.parse("2026-06-01T12:00:00Z");
    const store = new CronStore(path.join(dir, "jobs.json"));
    // Due 10 minutes ago on a 1-minute schedule: 11 runs were missed (12:50 ... 12:00 inclusive).
    await store.save([job({ state: { nextRunAtMs: now - 600_000 } })]);
    const events = new SystemEventQueue();
    const s = service(store, events, () => now);
    await s.start();
    await until(async () => (await store.readRuns("j1")).length === 1);
    const [entry] = await store.readRuns("j1");
    expect(entry).toMatchObject({ trigger: "catch-up", status: "ok", missedRuns: 11 });
    expect(events.drain("agent:main:main").map((e) => e.text)).toEqual(["tick"]);
    expect(lines.some((l) => l.startsWith("warn ") && l.includes("missed 11 run(s)") && l.includes("running it once now"))).toBe(true);
    // The next run is the next slot after now, not a burst of the missed ones.
    const [after] = await s.list();
    expect(after!.state.nextRunAtMs).toBe(now + 60_000);
  });

  it("a one-shot `at` in the past that never ran runs once at start, then is disabled", async () => {
    const now = Date.now();
    const store = new CronStore(path.join(dir, "jobs.json"));
    await store.save([job({ schedule: { kind: "at", at: new Date(now - 3_600_000).toISOString() }, state: { nextRunAtMs: now - 3_600_000 } })]);
    const s = service(store, new SystemEventQueue());
    await s.start();
    await until(async () => (await store.readRuns("j1")).length === 1);
    expect((await store.readRuns("j1"))[0]).toMatchObject({ trigger: "catch-up", status: "ok" });
    expect(lines.some((l) => l.includes("one-shot job j1") && l.includes("running it once now"))).toBe(true);
    await until(async () => (await s.list(true))[0]!.enabled === false);
    expect(await s.list()).toEqual([]);
  });

  it("a job that was running when the gateway died gets an 'interrupted' history entry", async () => {
    const now = Date.now();
    const store = new CronStore(path.join(dir, "jobs.json"));
    await store.save([job({ state: { runningAtMs: now - 5000, nextRunAtMs: now + 60_000 } })]);
    const s = service(store, new SystemEventQueue());
    await s.start();
    expect((await store.readRuns("j1"))[0]).toMatchObject({ status: "error", error: expect.stringContaining("interrupted") });
    expect((await s.list())[0]!.state.runningAtMs).toBeUndefined();
  });
});

describe("a run still queued when the gateway stops", () => {
  it("stays due, and the next start runs it as a catch-up (never dropped silently)", async () => {
    const now = Date.now();
    const file = path.join(dir, "jobs.json");
    // Saves after the first one wait for `release`: job a stays "running" while b waits its turn.
    let saves = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    class SlowStore extends CronStore {
      override async save(jobs: readonly CronJob[]): Promise<void> {
        if (saves++ >= 1) await gate;
        return super.save(jobs);
      }
    }
    await new CronStore(file).save([
      job({ id: "a", name: "a", state: { nextRunAtMs: now - 30_000 } }),
      job({ id: "b", name: "b", state: { nextRunAtMs: now - 30_000 } }),
    ]);
    const first = service(new SlowStore(file), new SystemEventQueue());
    await first.start();
    await until(async () => (await first.status()).running === 1 && (await first.status()).queued === 1);
    first.stop();
    release();
    await first.idle();
    expect((await new CronStore(file).readRuns("b"))).toEqual([]);
    lines = [];
    const second = service(new CronStore(file), new SystemEventQueue());
    await second.start();
    await until(async () => (await new CronStore(file).readRuns("b")).length === 1);
    expect((await new CronStore(file).readRuns("b"))[0]).toMatchObject({ trigger: "catch-up", status: "ok" });
    expect(lines.some((l) => l.includes('job b "b" missed') && l.includes("running it once now"))).toBe(true);
  });
});

describe("timer", () => {
  it("an `every` 1000 ms job fires repeatedly from one timer; removing it stops it", async () => {
    const store = new CronStore(path.join(dir, "jobs.json"));
    const events = new SystemEventQueue();
    const s = service(store, events);
    await s.start();
    const added = await s.add(
      { name: "fast", schedule: { kind: "every", everyMs: 1000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "beat" } },
      () => true,
    );
    await until(async () => (await store.readRuns(added.id)).length >= 2, 8000);
    await s.remove(added.id);
    const seen = events.size("agent:main:main");
    await new Promise((r) => setTimeout(r, 1500));
    expect(events.size("agent:main:main")).toBe(seen);
    expect(await store.readRuns(added.id)).toEqual([]);
  });

  it("a job years ahead never arms a timer beyond setTimeout's limit", async () => {
    const s = service(new CronStore(path.join(dir, "jobs.json")), new SystemEventQueue());
    await s.start();
    await s.add(
      { name: "far", schedule: { kind: "at", at: "2099-01-01T00:00:00Z" }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "later" } },
      () => true,
    );
    // A delay over 2^31-1 ms would fire at once (Node clamps it to 1 ms): nothing may run.
    await new Promise((r) => setTimeout(r, 200));
    expect((await s.status()).running).toBe(0);
    expect((await s.list())[0]!.state.lastRunAtMs).toBeUndefined();
  });
});
