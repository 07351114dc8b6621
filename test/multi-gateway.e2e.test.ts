// Several gateways on one host: each with its own gateway.port, OPENCLAW_CONFIG_PATH,
// OPENCLAW_STATE_DIR and workspace runs beside the other; the same config twice is refused by the
// lock unless OPENCLAW_ALLOW_MULTI_GATEWAY=1; `gateway status --deep` sees them all.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, spawnCli, type CliProcess } from "./helpers/cli-process.js";
import { freePort, makeTempState, type TempState } from "./helpers/temp-state.js";
import { connectParams, connectProbe } from "./helpers/ws-probe.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Instance {
  state: TempState;
  port: number;
  token: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
}

async function instance(name: string, tmpdir?: string): Promise<Instance> {
  const state = await makeTempState();
  cleanups.push(() => state.cleanup());
  const port = await freePort();
  const token = `token-${name}-0123456789abcdef`;
  const workspace = path.join(state.root, `workspace-${name}`);
  await fs.mkdir(workspace, { recursive: true });
  await state.writeConfig({
    gateway: { mode: "local", bind: "loopback", port, auth: { mode: "token", token } },
    agents: { defaults: { workspace } },
  });
  // A shared TMPDIR puts both locks in one lock dir, as on a real host.
  const env = { ...state.env, ...(tmpdir ? { TMPDIR: tmpdir } : {}) };
  return { state, port, token, workspace, env };
}

function start(env: NodeJS.ProcessEnv, args: string[] = []): CliProcess {
  const p = spawnCli(["gateway", ...args], env);
  cleanups.push(async () => {
    if (p.proc.exitCode === null) {
      p.kill("SIGKILL");
      await p.exited;
    }
  });
  return p;
}

async function drive(port: number, token: string) {
  const { probe, res } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token } }));
  try {
    if (!res.ok) return { ok: false as const, error: res.error };
    const health = await probe.request("health", {});
    const config = await probe.request("config.get", {});
    return { ok: true as const, health, configPath: config.payload?.path as string };
  } finally {
    probe.close();
  }
}

describe("two gateways on one host", () => {
  it("run side by side, each with its own port, config, state dir and workspace; status --deep sees both", async () => {
    const a = await instance("a");
    const b = await instance("b", a.state.root);
    const ga = start(a.env);
    const gb = start(b.env);
    await Promise.all([ga.waitFor(/listening on/), gb.waitFor(/listening on/)]);
    expect(ga.stdout()).toContain(`listening on ws://127.0.0.1:${a.port}`);
    expect(gb.stdout()).toContain(`listening on ws://127.0.0.1:${b.port}`);

    for (const [inst, other] of [[a, b], [b, a]] as const) {
      const r = await drive(inst.port, inst.token);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.health.ok).toBe(true);
      expect(r.configPath).toBe(inst.state.configPath);
      // Each gateway only accepts its own token.
      expect((await drive(inst.port, other.token)).ok).toBe(false);
      const http = await fetch(`http://127.0.0.1:${inst.port}/health`);
      expect(http.status).toBe(200);
    }

    const status = await runCli(["gateway", "status", "--deep", "--json"], a.env);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.gateway.port).toBe(a.port);
    expect(report.runtime).toMatchObject({ status: "running", pid: ga.proc.pid });
    expect(report.rpc.ok).toBe(true);
    const locks = report.deep.locks.filter((l: { alive: boolean }) => l.alive);
    expect(locks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pid: ga.proc.pid, port: a.port, configPath: a.state.configPath }),
        expect.objectContaining({ pid: gb.proc.pid, port: b.port, configPath: b.state.configPath }),
      ]),
    );
    if (process.platform === "linux") {
      const pids = report.deep.processes.map((p: { pid: number }) => p.pid);
      expect(pids).toEqual(expect.arrayContaining([ga.proc.pid, gb.proc.pid]));
      expect(report.deep.listeners.length).toBeGreaterThan(0);
      for (const l of report.deep.listeners) expect(l).toMatchObject({ port: a.port, pid: ga.proc.pid });
      // Both hold their locks, so neither is an orphan.
      expect(report.health.staleGatewayPids).not.toContain(ga.proc.pid);
      expect(report.health.staleGatewayPids).not.toContain(gb.proc.pid);
    }
    const human = await runCli(["gateway", "status", "--deep", "--no-probe"], a.env);
    expect(human.stdout).toContain(`Listening on port ${a.port}:`);
    expect(human.stdout).toMatch(new RegExp(`pid ${gb.proc.pid} \\(alive, port ${b.port}\\) ${b.state.configPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));

    ga.kill("SIGTERM");
    gb.kill("SIGTERM");
    expect((await ga.exited).code).toBe(0);
    expect((await gb.exited).code).toBe(0);
  }, 40_000);

  it("the same config twice is refused by the lock; OPENCLAW_ALLOW_MULTI_GATEWAY=1 skips the lock", async () => {
    const a = await instance("a");
    const first = start(a.env);
    await first.waitFor(/listening on/);

    const second = start(a.env, ["--port", String(await freePort())]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toContain(`Gateway failed to start: gateway already running (pid ${first.proc.pid}); lock timeout after 5000ms`);
    expect(second.stderr()).toContain("If the gateway is supervised, stop it with: openclaw gateway stop");

    const otherPort = await freePort();
    const multi = start({ ...a.env, OPENCLAW_ALLOW_MULTI_GATEWAY: "1" }, ["--port", String(otherPort)]);
    await multi.waitFor(/listening on/);
    const r = await drive(otherPort, a.token);
    expect(r.ok).toBe(true);
    // Holding no lock, it is what --deep calls an unaccounted (stale) gateway process.
    if (process.platform === "linux") {
      const deep = JSON.parse((await runCli(["gateway", "status", "--deep", "--no-probe", "--json"], a.env)).stdout);
      expect(deep.health.staleGatewayPids).toContain(multi.proc.pid);
      expect(deep.health.staleGatewayPids).not.toContain(first.proc.pid);
    }
    // The lock still names the first gateway; the second never touched it.
    const status = await runCli(["gateway", "status", "--no-probe", "--json"], a.env);
    expect(JSON.parse(status.stdout).runtime.pid).toBe(first.proc.pid);

    multi.kill("SIGTERM");
    first.kill("SIGTERM");
    expect((await multi.exited).code).toBe(0);
    expect((await first.exited).code).toBe(0);
  }, 40_000);
});
