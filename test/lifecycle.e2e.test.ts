// The gateway as a real process: token generation, port conflicts, locks, --force, graceful
// shutdown (shutdown event then 1012) and SIGUSR1 restart on the same port.
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { spawnCli, type CliProcess } from "./helpers/cli-process.js";
import { freePort, localConfig, makeTempState, TEST_TOKEN, type TempState } from "./helpers/temp-state.js";
import { connectParams, connectProbe } from "./helpers/ws-probe.js";
import { resolveGatewayLockPath } from "../src/config/paths.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(config: unknown = localConfig()): Promise<{ state: TempState; port: number }> {
  const state = await makeTempState(config);
  cleanups.push(() => state.cleanup());
  return { state, port: await freePort() };
}

function startGatewayProcess(state: TempState, port: number, extra: string[] = []): CliProcess {
  const p = spawnCli(["gateway", "--port", String(port), ...extra], state.env);
  cleanups.push(async () => {
    if (p.proc.exitCode === null) {
      p.kill("SIGKILL");
      await p.exited;
    }
  });
  return p;
}

const lockPathFor = (state: TempState) => {
  const prev = process.env.TMPDIR;
  process.env.TMPDIR = state.root;
  try {
    return resolveGatewayLockPath(state.configPath);
  } finally {
    if (prev === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = prev;
  }
};

describe("token generation", () => {
  it("generates, persists and prints a token once; the config keeps everything else", async () => {
    const { state, port } = await setup({ gateway: { mode: "local" }, logging: { level: "info" } });
    const p = startGatewayProcess(state, port);
    await p.waitFor(/listening on/);
    const m = /Generated a gateway token[^\n]*\n\s+([0-9a-f]{48})/.exec(p.stdout());
    expect(m).not.toBeNull();
    const onDisk = JSON.parse(await fs.readFile(state.configPath, "utf8"));
    expect(onDisk.gateway.auth.token).toBe(m![1]);
    expect(onDisk.logging.level).toBe("info");
    const { probe, res } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: m![1] } }));
    expect(res.ok).toBe(true);
    probe.close();
    p.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
    // A second start reuses the stored token and prints none.
    const again = startGatewayProcess(state, port);
    await again.waitFor(/listening on/);
    expect(again.stdout()).not.toContain("Generated a gateway token");
    again.kill("SIGTERM");
    await again.exited;
  });
});

describe("config validation cache", () => {
  it("a restart with the same config skips validation, an edited config is validated again", async () => {
    const { state, port } = await setup();
    const first = startGatewayProcess(state, port);
    await first.waitFor(/listening on/);
    first.kill("SIGTERM");
    await first.exited;
    const cached = (await fs.readdir(path.join(state.root, `openclaw-${process.getuid?.() ?? 0}`))).filter((f) => f.startsWith("config-valid."));
    expect(cached).toHaveLength(1);
    const config = JSON.parse(await fs.readFile(state.configPath, "utf8"));
    config.gateway.bogusKey = true;
    await fs.writeFile(state.configPath, JSON.stringify(config));
    const second = startGatewayProcess(state, port);
    expect((await second.exited).code).toBe(78);
    expect(second.stderr()).toContain("gateway.bogusKey");
  });
});

describe("port and lock conflicts", () => {
  it("EADDRINUSE: retries, then one clear line and exit 1", async () => {
    const { state, port } = await setup();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const t0 = Date.now();
    const p = startGatewayProcess(state, port);
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr()).toContain(`Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:${port}`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900); // 4 retries, 500 ms apart
  });

  it("a stale lock (dead pid) is removed and the gateway starts", async () => {
    const { state, port } = await setup();
    const lockPath = lockPathFor(state);
    await fs.mkdir(path.dirname(lockPath), { recursive: true });
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    await fs.writeFile(lockPath, JSON.stringify({ pid: dead.pid, createdAt: new Date().toISOString(), configPath: state.configPath }));
    const p = startGatewayProcess(state, port);
    await p.waitFor(/listening on/);
    const lock = JSON.parse(await fs.readFile(lockPath, "utf8"));
    expect(lock.pid).toBe(p.proc.pid);
    expect(lock.port).toBe(port);
    p.kill("SIGTERM");
    await p.exited;
    await expect(fs.access(lockPath)).rejects.toThrow(); // released on shutdown
  });

  it("a live gateway's lock refuses a second one on the same config", async () => {
    const { state, port } = await setup();
    const first = startGatewayProcess(state, port);
    await first.waitFor(/listening on/);
    const second = startGatewayProcess(state, await freePort());
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.stderr()).toContain(`gateway already running (pid ${first.proc.pid}); lock timeout after 5000ms`);
    first.kill("SIGTERM");
    await first.exited;
  }, 20_000);

  it("--force stops only the process holding the port, then starts", async () => {
    const { state, port } = await setup();
    const holder = spawn(process.execPath, ["-e", `require("net").createServer().listen(${port}, "127.0.0.1"); setInterval(() => {}, 1000)`]);
    cleanups.push(() => void holder.kill("SIGKILL"));
    const bystander = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    cleanups.push(() => void bystander.kill("SIGKILL"));
    await new Promise((r) => setTimeout(r, 300));
    const p = startGatewayProcess(state, port, ["--force"]);
    await p.waitFor(/listening on/);
    expect(p.stdout()).toMatch(new RegExp(`force: killed pid ${holder.pid} \\(.*\\) on port ${port}`));
    expect(holder.exitCode !== null || holder.signalCode !== null).toBe(true);
    expect(bystander.exitCode).toBeNull();
    p.kill("SIGTERM");
    await p.exited;
  });
});

describe("signals", () => {
  it("SIGTERM while the gateway is still starting stops it cleanly and releases the lock", async () => {
    const { state, port } = await setup();
    const p = startGatewayProcess(state, port);
    await p.waitFor(/starting\.\.\./);
    p.kill("SIGTERM");
    const { code, signal } = await p.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    await expect(fs.access(lockPathFor(state))).rejects.toThrow();
  });

  it("SIGTERM: clients get shutdown, then 1012; exit 0", async () => {
    const { state, port } = await setup();
    const p = startGatewayProcess(state, port);
    await p.waitFor(/listening on/);
    const { probe } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
    p.kill("SIGTERM");
    const shutdown = await probe.next((f) => f.type === "event" && f.event === "shutdown");
    expect(shutdown.payload).toEqual({ reason: "gateway stopping (SIGTERM)", restartExpectedMs: null });
    expect(await probe.closed).toEqual({ code: 1012, reason: "service restart" });
    expect((await p.exited).code).toBe(0);
  });

  it("SIGUSR1: restarts in the same process on the same port", async () => {
    const { state, port } = await setup();
    const p = startGatewayProcess(state, port);
    await p.waitFor(/listening on/);
    const { probe } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
    p.kill("SIGUSR1");
    const shutdown = await probe.next((f) => f.type === "event" && f.event === "shutdown");
    expect(shutdown.payload).toEqual({ reason: "gateway restarting", restartExpectedMs: 1500 });
    expect((await probe.closed).code).toBe(1012);
    await p.waitFor(/restarted on/);
    const again = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
    expect(again.res.ok).toBe(true);
    again.probe.close();
    expect(p.proc.exitCode).toBeNull();
    p.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
  });
});
