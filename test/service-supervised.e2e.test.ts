// The service actions against a manager that answers (a fake `systemctl` that really runs the
// unit's ExecStart): install/restart end with the gateway listening, stop leaves it down, and a
// config error or another gateway holding the lock is named in the one-line answer.
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, spawnCli, type CliProcess } from "./helpers/cli-process.js";
import { freePort, localConfig, makeTempState, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe } from "./helpers/ws-probe.js";
import { installService, serviceStatus, startService, stopService, uninstallService } from "../src/service/actions.js";
import { resolveServiceContext } from "../src/service/context.js";
import { execRunner, type CommandRunner } from "../src/service/runner.js";
import { SystemdBackend } from "../src/service/systemd.js";

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), "helpers", "fake-systemctl.mjs");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const state = await makeTempState();
  cleanups.push(() => state.cleanup());
  const port = await freePort();
  await state.writeConfig(localConfig({}, { port }));
  const xdg = path.join(state.root, "xdg");
  const runDir = path.join(state.root, "run-systemd");
  const fakeState = path.join(state.root, "fake-systemd");
  await fs.mkdir(runDir, { recursive: true });
  await fs.mkdir(fakeState, { recursive: true });
  // The gateway under the fake manager and this test must agree on the lock dir (TMPDIR).
  const prevTmp = process.env.TMPDIR;
  process.env.TMPDIR = state.root;
  cleanups.push(() => {
    if (prevTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = prevTmp;
  });
  const env: NodeJS.ProcessEnv = { ...state.env, XDG_CONFIG_HOME: xdg };
  const ctx = resolveServiceContext({}, env);
  const run: CommandRunner = (file, args, opts) =>
    file === "systemctl" ? execRunner(process.execPath, [FAKE, fakeState, ctx.dir, ...args], opts) : execRunner(file, args, opts);
  const backend = new SystemdBackend(ctx, run, runDir);
  const render = backend.render.bind(backend);
  backend.render = (opts) => render(opts).replace(/^ExecStart=\S+ \S+/m, `ExecStart=${process.execPath} ${BIN}`);
  // Runs last (cleanups are LIFO): whatever the fake manager still runs is killed, never leaked
  // into later tests or the machine (its state dir is about to be removed).
  cleanups.push(async () => {
    for (const f of await fs.readdir(fakeState).catch(() => [] as string[])) {
      const s = JSON.parse(await fs.readFile(path.join(fakeState, f), "utf8").catch(() => "{}")) as { running?: boolean; pid?: number };
      if (s.running && s.pid) {
        try {
          process.kill(s.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  });
  cleanups.push(async () => {
    await uninstallService(backend).catch(() => {});
  });
  return { state, port, backend };
}

async function healthy(port: number): Promise<boolean> {
  const { probe, res } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
  probe.close();
  return res.ok === true;
}

describe("supervised service (fake systemctl running the real gateway)", () => {
  it("install starts it, restart replaces it, stop leaves it down, status follows", async () => {
    const { port, backend } = await setup();
    const installed = await installService(backend, {}, { timeoutMs: 15_000 });
    expect(installed.message).toMatch(new RegExp(`^installed openclaw-gateway\\.service: running \\(pid \\d+, port ${port}\\)$`));
    expect(installed).toMatchObject({ ok: true, available: true, state: "running", port });
    expect(installed.steps.map((s) => s.command.split(" ").slice(-2).join(" "))).toEqual(["--user daemon-reload", "enable openclaw-gateway.service", "restart openclaw-gateway.service"]);
    expect(await healthy(port)).toBe(true);
    expect(await serviceStatus(backend)).toMatchObject({ state: "running", pid: installed.pid });

    const restarted = await startService(backend, "restart", { timeoutMs: 15_000 });
    expect(restarted).toMatchObject({ ok: true, state: "running", port });
    expect(restarted.pid).not.toBe(installed.pid);
    expect(await healthy(port)).toBe(true);

    const stopped = await stopService(backend);
    expect(stopped).toMatchObject({ ok: true, message: "stopped openclaw-gateway.service", state: "stopped" });
    await expect(healthy(port)).rejects.toThrow();

    // start after stop works (no re-install needed).
    const started = await startService(backend, "start", { timeoutMs: 15_000 });
    expect(started).toMatchObject({ ok: true, state: "running", port });
    const gone = await uninstallService(backend);
    expect(gone).toMatchObject({ ok: true, installed: false });
    await expect(fs.access(backend.ctx.filePath)).rejects.toThrow();
  }, 90_000);

  it("a config error is named: exit 78, not restarted, and what to run", async () => {
    const { state, backend } = await setup();
    await installService(backend, {}, { timeoutMs: 15_000 });
    await state.writeRaw(JSON.stringify({ gateway: { mode: "local", bogusKey: 1 } }));
    const r = await startService(backend, "restart", { timeoutMs: 15_000 });
    expect(r.ok).toBe(false);
    expect(r.state).toBe("config-error");
    expect(r.message).toBe(
      "openclaw-gateway.service is not running: stopped by a config error (exit 78, not restarted); run openclaw config validate, then openclaw gateway restart",
    );
  }, 90_000);

  it("a hand-started gateway holding the lock is named with its pid", async () => {
    const { state, backend } = await setup();
    const other = await freePort();
    const hand: CliProcess = spawnCli(["gateway", "--port", String(other)], state.env);
    cleanups.push(async () => {
      if (hand.proc.exitCode === null) {
        hand.kill("SIGKILL");
        await hand.exited;
      }
    });
    await hand.waitFor(/listening on/);
    const r = await installService(backend, {}, { timeoutMs: 20_000 });
    expect(r.ok).toBe(false);
    expect(r.message).toContain(`another gateway (pid ${hand.proc.pid}) holds the lock for this config: stop it first (kill ${hand.proc.pid})`);
  }, 90_000);
});
