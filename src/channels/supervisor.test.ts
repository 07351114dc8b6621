import { describe, expect, it } from "vitest";
import { AccountSupervisor, backoffDelay, DEFAULT_TIMING, type SupervisorTiming } from "./supervisor.js";
import type { AccountEvents, ChannelAccount } from "./types.js";

const quiet = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An account whose connection outcome each start is scripted. */
function scripted(outcomes: ("ok" | "fail" | "fatal")[]) {
  let events: AccountEvents | undefined;
  const acc: ChannelAccount & { starts: number; stops: number; events(): AccountEvents } = {
    accountId: "a1",
    starts: 0,
    stops: 0,
    events: () => events!,
    async start(e) {
      events = e;
      const o = outcomes[acc.starts++] ?? "ok";
      if (o === "ok") e.connected();
      else e.failed(o === "fatal" ? "bad token" : "network down", { fatal: o === "fatal" });
    },
    async stop() {
      acc.stops++;
    },
    probe: async () => ({ ok: true, elapsedMs: 0 }),
    send: async () => ({ messageId: "1", messageIds: ["1"], chunks: 1 }),
    typing: async () => {},
    snapshot: () => ({ mode: "test" }),
  };
  return acc;
}

const timing = (over: Partial<SupervisorTiming> = {}): SupervisorTiming => ({ ...DEFAULT_TIMING, backoffBaseMs: 10, backoffMaxMs: 40, ...over });

describe("backoffDelay", () => {
  it("doubles up to the cap, with ±25% jitter", () => {
    const t = { backoffBaseMs: 100, backoffMaxMs: 1000 };
    expect(backoffDelay(1, t, () => 0.5)).toBe(100);
    expect(backoffDelay(3, t, () => 0.5)).toBe(400);
    expect(backoffDelay(10, t, () => 0.5)).toBe(1000);
    expect(backoffDelay(1, t, () => 0)).toBe(75);
    expect(backoffDelay(1, t, () => 0.999)).toBeLessThanOrEqual(125);
  });
});

describe("AccountSupervisor", () => {
  it("reconnects after failures and reports healthy again", async () => {
    const acc = scripted(["fail", "fail", "ok"]);
    const sup = new AccountSupervisor(acc, timing(), () => {}, quiet);
    await sup.start();
    expect(sup.snapshot()).toMatchObject({ connected: false, healthState: "reconnecting", lastError: "network down", reconnectAttempts: 1 });
    for (let i = 0; i < 50 && sup.state !== "healthy"; i++) await sleep(10);
    expect(acc.starts).toBe(3);
    expect(sup.snapshot()).toMatchObject({ connected: true, healthState: "healthy", lastError: null, reconnectAttempts: 0, mode: "test" });
    await sup.stop();
    expect(sup.snapshot()).toMatchObject({ running: false, healthState: "stopped" });
  });

  it("never retries a fatal failure", async () => {
    const acc = scripted(["fatal"]);
    const sup = new AccountSupervisor(acc, timing(), () => {}, quiet);
    await sup.start();
    await sleep(80);
    expect(acc.starts).toBe(1);
    expect(sup.snapshot()).toMatchObject({ running: false, healthState: "failed", lastError: "bad token" });
    expect(sup.failing()).toBe(true);
    await sup.stop();
  });

  it("gives up after maxRestartsPerHour restarts", async () => {
    const acc = scripted(Array(20).fill("fail"));
    const sup = new AccountSupervisor(acc, timing({ maxRestartsPerHour: 3 }), () => {}, quiet);
    await sup.start();
    for (let i = 0; i < 100 && sup.state !== "gave-up"; i++) await sleep(10);
    expect(sup.state).toBe("gave-up");
    expect(acc.starts).toBe(4);
    expect(String(sup.snapshot().lastError)).toMatch(/gave up: 3 restarts in the last hour/);
    await sleep(80);
    expect(acc.starts).toBe(4);
    await sup.stop();
  });

  it("restarts a connection that went quiet, and ignores events from the old one", async () => {
    let t = 0;
    const acc = scripted(["ok", "ok"]);
    const sup = new AccountSupervisor(acc, timing({ checkIntervalMs: 10, staleAfterMs: 1000 }), () => {}, quiet, () => t);
    await sup.start();
    const old = acc.events();
    t = 5000;
    for (let i = 0; i < 50 && acc.starts < 2; i++) await sleep(10);
    expect(acc.starts).toBe(2);
    expect(sup.snapshot().lastError ?? "").toBe("");
    old.failed("late failure from the stale connection");
    expect(sup.state).toBe("healthy");
    await sup.stop();
  });
});
