// `openclaw gateway install|uninstall|start|restart|stop|status` as a child process, installing into
// a temp unit dir. systemd cannot load units from there (and this may be a container), so every
// command must say so in one line and print the file and the exact commands to run.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, runCli } from "./helpers/cli-process.js";
import { makeTempState, type TempState } from "./helpers/temp-state.js";
import { parseEnvironment, parseUnitFile, splitExecStart } from "../src/service/systemd-unit.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(manager: "systemd" | "launchd" = "systemd") {
  const state = await makeTempState({ gateway: { mode: "local" } });
  cleanups.push(() => state.cleanup());
  const unitDir = path.join(state.root, "units");
  const env: NodeJS.ProcessEnv = { ...state.env, OPENCLAW_SERVICE_DIR: unitDir, OPENCLAW_SERVICE_MANAGER: manager };
  return { state, unitDir, env };
}

const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;

describe("systemd service round trip (no reachable systemd)", () => {
  it("install writes the unit and prints one line, the unit and the commands; uninstall removes it", async () => {
    const { state, unitDir, env } = await setup();
    const unitPath = path.join(unitDir, "openclaw-gateway.service");

    const install = await runCli(["gateway", "install", "--port", "18790"], env);
    expect(install.code).toBe(0);
    const lines = install.stdout.split("\n");
    expect(lines[0]).toMatch(/^systemd \(user\) is not available here: .+; wrote .+openclaw-gateway\.service; run these commands where it is:$/);
    expect(lines[1]).toBe(`Unit file: ${unitPath}`);
    expect(install.stdout).toContain("RestartPreventExitStatus=78");
    expect(install.stdout).toContain(`  systemctl --user enable ${unitPath}`);
    expect(install.stdout).toContain("  systemctl --user restart openclaw-gateway.service");

    const unit = parseUnitFile(await fs.readFile(unitPath, "utf8"));
    const service = unit.get("Service")!;
    expect(splitExecStart(service.get("ExecStart")![0]!)).toEqual([process.execPath, BIN, "gateway", "run", "--port", "18790"]);
    expect(parseEnvironment(service.get("Environment")!)).toMatchObject({ OPENCLAW_STATE_DIR: state.stateDir, OPENCLAW_CONFIG_PATH: state.configPath });
    expect((await fs.stat(unitPath)).mode & 0o777).toBe(0o644);

    const status = await runCli(["gateway", "status", "--no-probe", "--json"], env);
    expect(status.code).toBe(0);
    expect(json(status.stdout).service).toMatchObject({ label: "openclaw-gateway.service", manager: "systemd", scope: "user", unitPath, installed: true, loaded: false });
    const human = await runCli(["gateway", "status", "--no-probe"], env);
    expect(human.stdout).toMatch(/^Service: openclaw-gateway\.service \(systemd user: installed; systemd not available here \(.+\)\)$/m);
    expect(human.stdout).toContain(`Service file: ${unitPath}`);

    const uninstall = await runCli(["gateway", "uninstall"], env);
    expect(uninstall.code).toBe(0);
    expect(uninstall.stdout.split("\n")[0]).toMatch(/is not available here: .+; removed .+openclaw-gateway\.service; where it runs, also run:$/);
    await expect(fs.access(unitPath)).rejects.toThrow();
    const again = await runCli(["gateway", "uninstall", "--json"], env);
    expect(json(again.stdout)).toMatchObject({ action: "uninstall", ok: true, installed: false });
    const after = await runCli(["gateway", "status", "--no-probe", "--json"], env);
    expect(json(after.stdout).service).toMatchObject({ label: "none", loaded: false });
  });

  it("install is idempotent, refuses to silently change settings, and --force replaces; --token makes the file 0600", async () => {
    const { unitDir, env } = await setup();
    const unitPath = path.join(unitDir, "openclaw-gateway.service");
    expect((await runCli(["gateway", "install"], env)).code).toBe(0);
    const same = await runCli(["gateway", "install", "--json"], env);
    expect(json(same.stdout)).toMatchObject({ ok: true, installed: true, available: false });
    const changed = await runCli(["gateway", "install", "--port", "18999"], env);
    expect(changed.code).toBe(1);
    expect(changed.stderr.trim()).toBe(`${unitPath} already exists with different settings; rerun with --force to replace it`);
    const forced = await runCli(["gateway", "install", "--port", "18999", "--token", "tok-123", "--force", "--json"], env);
    expect(forced.code).toBe(0);
    expect(json(forced.stdout).unit).toContain("--port 18999");
    expect(await fs.readFile(unitPath, "utf8")).toContain('Environment="OPENCLAW_GATEWAY_TOKEN=tok-123"');
    expect((await fs.stat(unitPath)).mode & 0o777).toBe(0o600);
  });

  it("start/restart/stop say in one line why they cannot act, with the commands; --json everywhere", async () => {
    const { env } = await setup();
    const notInstalled = await runCli(["gateway", "restart"], env);
    expect(notInstalled.code).toBe(1);
    expect(notInstalled.stderr.trim()).toMatch(/^openclaw-gateway\.service is not installed \(.+ does not exist\); run: openclaw gateway install$/);

    await runCli(["gateway", "install"], env);
    for (const action of ["start", "restart"]) {
      const r = await runCli(["gateway", action], env);
      expect(r.code).toBe(1);
      expect(r.stderr.split("\n")[0]).toMatch(/^systemd \(user\) is not available here: .+; run these commands where it is:$/);
      expect(r.stderr).toContain("  systemctl --user reset-failed openclaw-gateway.service");
      const j = await runCli(["gateway", action, "--json"], env);
      expect(j.code).toBe(1);
      expect(json(j.stdout)).toMatchObject({ action, ok: false, available: false, manualCommands: expect.arrayContaining([`systemctl --user ${action} openclaw-gateway.service`]) });
    }
    // No reachable manager: `gateway stop` falls back to the lock (nothing running here).
    const stop = await runCli(["gateway", "stop", "--json"], env);
    expect(stop.code).toBe(0);
    expect(json(stop.stdout)).toMatchObject({ stopped: false });
  });

  it("--profile gives its own unit beside the default one; bad flags are usage errors", async () => {
    const { unitDir, env } = await setup();
    const plain = { ...env };
    delete plain.OPENCLAW_STATE_DIR;
    delete plain.OPENCLAW_CONFIG_PATH;
    expect((await runCli(["gateway", "install"], plain)).code).toBe(0);
    const work = await runCli(["--profile", "work", "gateway", "install", "--json"], plain);
    expect(json(work.stdout)).toMatchObject({ name: "openclaw-gateway-work.service", unitPath: path.join(unitDir, "openclaw-gateway-work.service") });
    expect((await fs.readdir(unitDir)).sort()).toEqual(["openclaw-gateway-work.service", "openclaw-gateway.service"]);
    const workEnv = parseEnvironment(parseUnitFile(await fs.readFile(path.join(unitDir, "openclaw-gateway-work.service"), "utf8")).get("Service")!.get("Environment")!);
    expect(workEnv.OPENCLAW_PROFILE).toBe("work");
    expect(workEnv.OPENCLAW_STATE_DIR).toBe(path.join(plain.HOME!, ".openclaw-work"));

    const deep = await runCli(["gateway", "status", "--no-probe", "--deep", "--json"], plain);
    expect(json(deep.stdout).extraServices).toEqual([{ label: "openclaw-gateway-work", detail: path.join(unitDir, "openclaw-gateway-work.service"), scope: "user" }]);

    const bad = await runCli(["gateway", "install", "--port", "99999"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Invalid --port");
    const badManager = await runCli(["gateway", "install"], { ...env, OPENCLAW_SERVICE_MANAGER: "upstart" });
    expect(badManager.code).toBe(1);
    expect(badManager.stderr.trim()).toBe('OPENCLAW_SERVICE_MANAGER must be "systemd" or "launchd" (got "upstart")');
  });
});

describe.skipIf(process.platform === "darwin")("launchd round trip (no launchctl here)", () => {
  it("writes a plist with the label, gateway run, /dev/null stdin and ~/Library/Logs, then removes it", async () => {
    const { state, unitDir, env } = await setup("launchd");
    const r = await runCli(["--profile", "work", "gateway", "install", "--json"], env);
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report).toMatchObject({ manager: "launchd", name: "ai.openclaw.work", available: false, unavailableReason: "launchctl not found, launchd is macOS only" });
    const plistPath = path.join(unitDir, "ai.openclaw.work.plist");
    const xml = await fs.readFile(plistPath, "utf8");
    expect(xml).toBe(report.unit);
    expect(xml).toContain("<key>Label</key><string>ai.openclaw.work</string>");
    expect(xml).toMatch(/<string>gateway<\/string>\n\s+<string>run<\/string>/);
    expect(xml).toContain("<key>StandardInPath</key><string>/dev/null</string>");
    expect(xml).toContain(`<key>StandardOutPath</key><string>${path.join(state.home, "Library/Logs/OpenClaw/ai.openclaw.work.log")}</string>`);
    expect(report.manualCommands).toContain(`launchctl bootstrap gui/${process.getuid?.() ?? 0} ${plistPath}`);
    const un = await runCli(["--profile", "work", "gateway", "uninstall"], env);
    expect(un.code).toBe(0);
    await expect(fs.access(plistPath)).rejects.toThrow();
  });
});
