// The operator CLI as a child process against a real gateway process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startGatewayChild, type CliProcess, type GatewayChild } from "./helpers/cli-process.js";
import { freePort, makeTempState, TEST_TOKEN, type TempState } from "./helpers/temp-state.js";

let state: TempState;
let port: number;
let gateway: CliProcess;
let env: NodeJS.ProcessEnv;
let child: GatewayChild;

beforeAll(async () => {
  child = await startGatewayChild();
  ({ state, port, gateway } = child);
  env = state.env;
});
afterAll(async () => {
  await child.stop();
});

describe("read commands", () => {
  it("gateway status shows the healthy baseline", async () => {
    const r = await runCli(["gateway", "status"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Runtime: running/m);
    expect(r.stdout).toMatch(/^RPC probe: ok$/m);
    expect(r.stdout).toContain(`Gateway: bind=loopback (127.0.0.1), port=${port} (config)`);
  });

  it("gateway status --json", async () => {
    const r = await runCli(["gateway", "status", "--json"], env);
    const j = JSON.parse(r.stdout);
    expect(j.rpc.ok).toBe(true);
    expect(j.gateway).toMatchObject({ bindMode: "loopback", port, portSource: "config" });
    expect(j.config.cli).toMatchObject({ path: state.configPath, exists: true, valid: true });
  });

  it("health and status", async () => {
    const h = await runCli(["health", "--json"], env);
    expect(h.code).toBe(0);
    expect(JSON.parse(h.stdout)).toMatchObject({ ok: true, defaultAgentId: "main" });
    const s = await runCli(["status", "--json"], env);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain("runtimeVersion");
  });

  it("gateway call with params, and an RPC error as one line with exit 1", async () => {
    const ok = await runCli(["gateway", "call", "logs.tail", "--params", '{"limit":2}', "--json"], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).lines.length).toBeLessThanOrEqual(2);
    const bad = await runCli(["gateway", "call", "nope.nothing"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")[0]).toBe("INVALID_REQUEST: unknown method: nope.nothing");
  });

  it("logs prints recent gateway lines through RPC", async () => {
    const r = await runCli(["logs", "--limit", "20", "--plain"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("listening on");
  });
});

describe("failures are one clear line", () => {
  it("a wrong token", async () => {
    const r = await runCli(["health", "--url", `ws://127.0.0.1:${port}`, "--token", "wrong"], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("gateway token mismatch");
  });

  it("--url never borrows credentials from config or env", async () => {
    // A fresh state dir: no saved device token for this URL either.
    const fresh = await makeTempState();
    try {
      const r = await runCli(["health", "--url", `ws://127.0.0.1:${port}`], { ...fresh.env, OPENCLAW_GATEWAY_TOKEN: TEST_TOKEN });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("unauthorized: gateway token missing");
    } finally {
      await fresh.cleanup();
    }
  });

  it("an unreachable gateway answers fast", async () => {
    const dead = await freePort();
    const t0 = Date.now();
    const r = await runCli(["health", "--url", `ws://127.0.0.1:${dead}`, "--token", "x"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`gateway not reachable at ws://127.0.0.1:${dead}`);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe("gateway stop", () => {
  it("stops the gateway through its lock", async () => {
    const r = await runCli(["gateway", "stop"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Stopped gateway (pid ${gateway.proc.pid}).`);
    expect((await gateway.exited).code).toBe(0);
  });
});
