import { describe, expect, it } from "vitest";
import { waitForGateway } from "./backend.js";
import type { UnitRuntime } from "./systemd-status.js";

/** Replays a sequence of runtimes and lock holders on a virtual clock. */
function script(steps: { rt: UnitRuntime; holder?: { pid: number; port?: number } }[]) {
  let i = 0;
  let t = 0;
  const current = () => steps[Math.min(i, steps.length - 1)]!;
  return {
    runtime: async () => current().rt,
    holder: async () => {
      const h = current().holder;
      i++;
      return h ? { pid: h.pid, createdAt: "", configPath: "/c", ...(h.port !== undefined ? { port: h.port } : {}) } : null;
    },
    now: () => t,
    sleep: async (ms: number) => void (t += ms),
  };
}

const running = (pid: number): UnitRuntime => ({ state: "running", detail: `running (pid ${pid})`, mainPid: pid });

describe("waitForGateway", () => {
  it("is ok once the lock names the main pid with a bound port", async () => {
    const s = script([{ rt: { state: "starting", detail: "starting" } }, { rt: running(10) }, { rt: running(10), holder: { pid: 10 } }, { rt: running(10), holder: { pid: 10, port: 18789 } }]);
    expect(await waitForGateway(s.runtime, { ...s })).toMatchObject({ ok: true, port: 18789 });
  });

  it("a crash right after start is reported with the unit's reason", async () => {
    const loop: UnitRuntime = { state: "crash-looping", detail: "crash-looping: exited with exit status 1" };
    const s = script([{ rt: running(10) }, { rt: loop }]);
    const r = await waitForGateway(s.runtime, { ...s });
    expect(r.ok).toBe(false);
    expect(r.reason).toBe("crash-looping: exited with exit status 1");
  });

  it("names another gateway holding the lock", async () => {
    const loop: UnitRuntime = { state: "crash-looping", detail: "crash-looping: exited with exit status 1" };
    const s = script([{ rt: running(10), holder: { pid: 77, port: 18789 } }, { rt: loop, holder: { pid: 77, port: 18789 } }]);
    const r = await waitForGateway(s.runtime, { ...s });
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("another gateway (pid 77) holds the lock for this config: stop it first (kill 77)");
  });

  it("running without a lock (OPENCLAW_ALLOW_MULTI_GATEWAY) counts once it stays up", async () => {
    const s = script([{ rt: running(10) }]);
    expect(await waitForGateway(s.runtime, { ...s, settleMs: 1000 })).toMatchObject({ ok: true });
  });

  it("gives up at the timeout with a reason that says what was missing", async () => {
    const s = script([{ rt: running(10), holder: { pid: 10 } }]);
    const r = await waitForGateway(s.runtime, { ...s, timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("did not bind its port within 2s");
  });

  it("a config error stops the wait at once", async () => {
    const s = script([{ rt: { state: "config-error", detail: "stopped by a config error" } }]);
    const r = await waitForGateway(s.runtime, { ...s, pollMs: 100 });
    expect(r).toMatchObject({ ok: false, reason: "stopped by a config error" });
    expect(s.now()).toBeLessThanOrEqual(100);
  });
});
