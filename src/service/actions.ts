// install / uninstall / start / stop / restart / status over a backend, each ending in one report
// with one line that says what happened (or exactly why not) and, where the manager is missing,
// the file and the commands to run by hand.
import fs from "node:fs/promises";
import path from "node:path";
import { lockHolder, waitForGateway, type ServiceAction, type ServiceBackend, type WaitOptions } from "./backend.js";
import { resolveServiceContext, type ServiceContext, type ServiceFlags } from "./context.js";
import { LaunchdBackend } from "./launchd.js";
import { firstErrorLine, type RunResult } from "./runner.js";
import { SystemdBackend } from "./systemd.js";
import type { ServiceState } from "./systemd-status.js";

export interface ServiceReport {
  action: ServiceAction;
  ok: boolean;
  manager: ServiceContext["manager"];
  scope: "user" | "system";
  name: string;
  unitPath: string;
  installed: boolean;
  available: boolean;
  unavailableReason?: string;
  state?: ServiceState;
  detail?: string;
  pid?: number;
  port?: number;
  /** The one line for a person. */
  message: string;
  steps: { command: string; code: number | null; error?: string }[];
  /** Commands to run by hand (when the manager is not reachable from here). */
  manualCommands?: string[];
  /** The unit/plist text (install, and whenever the manager is missing). */
  unit?: string;
}

export interface InstallOptions {
  port?: number;
  token?: string;
  runAs?: string;
  force?: boolean;
}

export function createBackend(flags: ServiceFlags, env: NodeJS.ProcessEnv = process.env): ServiceBackend {
  const ctx = resolveServiceContext(flags, env);
  return ctx.manager === "systemd" ? new SystemdBackend(ctx) : new LaunchdBackend(ctx);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

function stepOf(r: RunResult): ServiceReport["steps"][number] {
  return r.code === 0 ? { command: r.command, code: 0 } : { command: r.command, code: r.code, error: firstErrorLine(r) };
}

function baseReport(backend: ServiceBackend, action: ServiceAction, installed: boolean): ServiceReport {
  const { ctx } = backend;
  return {
    action,
    ok: false,
    manager: ctx.manager,
    scope: ctx.system ? "system" : "user",
    name: ctx.name,
    unitPath: ctx.filePath,
    installed,
    available: false,
    message: "",
    steps: [],
  };
}

function failedStep(steps: RunResult[]): RunResult | undefined {
  return steps.find((s) => s.code !== 0);
}

async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text, { mode });
  await fs.chmod(tmp, mode);
  await fs.rename(tmp, file);
}

/** Runs `steps`, then waits for the gateway; fills ok/state/message. */
async function startAndConfirm(backend: ServiceBackend, report: ServiceReport, steps: RunResult[], wait: WaitOptions, verb: string) {
  report.steps.push(...steps.map(stepOf));
  const failed = failedStep(steps);
  const lockless = backend.ctx.env.OPENCLAW_ALLOW_MULTI_GATEWAY === "1";
  const result = await waitForGateway(() => backend.runtime(), {
    holder: () => lockHolder(backend.ctx.configPath),
    ...(lockless ? { settleMs: 3000 } : {}),
    ...wait,
  });
  report.state = result.runtime.state;
  report.detail = result.runtime.detail;
  if (result.runtime.mainPid !== undefined) report.pid = result.runtime.mainPid;
  if (result.port !== undefined) report.port = result.port;
  report.ok = result.ok;
  if (result.ok) {
    report.message = `${verb} ${backend.ctx.name}: running${report.pid ? ` (pid ${report.pid}` : ""}${report.port ? `${report.pid ? ", " : " ("}port ${report.port})` : report.pid ? ")" : ""}`;
  } else {
    const cause = failed ? `${failed.command} failed: ${firstErrorLine(failed)}; ` : "";
    report.message = `${backend.ctx.name} is not running: ${cause}${result.reason ?? result.runtime.detail}`;
  }
}

function unavailable(backend: ServiceBackend, report: ServiceReport, reason: string | undefined, lead: string): ServiceReport {
  report.unavailableReason = reason ?? "unknown";
  report.manualCommands = backend.manualCommands(report.action);
  report.message = `${backend.title} is not available here: ${report.unavailableReason}; ${lead}`;
  return report;
}

export async function installService(backend: ServiceBackend, opts: InstallOptions, wait: WaitOptions = {}): Promise<ServiceReport> {
  const { ctx } = backend;
  const body = backend.render(opts);
  const existing = await fs.readFile(ctx.filePath, "utf8").catch(() => undefined);
  const report = baseReport(backend, "install", existing !== undefined);
  report.unit = body;
  if (existing !== undefined && existing !== body && !opts.force) {
    report.message = `${ctx.filePath} already exists with different settings; rerun with --force to replace it`;
    return report;
  }
  // A unit holding a token must not be world-readable.
  try {
    await writeAtomic(ctx.filePath, body, opts.token ? 0o600 : 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM" && code !== "EROFS") throw err;
    report.message = `cannot write ${ctx.filePath}: ${code === "EROFS" ? "read-only file system" : "permission denied"}${ctx.system ? " (system services need root: sudo openclaw gateway install --system)" : ""}`;
    return report;
  }
  report.installed = true;
  const avail = await backend.availability();
  report.available = avail.available;
  if (!avail.available) {
    report.ok = true;
    return unavailable(backend, report, avail.reason, `wrote ${ctx.filePath}; run these commands where it is:`);
  }
  await startAndConfirm(backend, report, await backend.activate(), wait, existing === undefined ? "installed" : "reinstalled");
  return report;
}

export async function uninstallService(backend: ServiceBackend): Promise<ServiceReport> {
  const { ctx } = backend;
  const installed = await exists(ctx.filePath);
  const report = baseReport(backend, "uninstall", installed);
  const avail = await backend.availability();
  report.available = avail.available;
  if (avail.available) {
    // Stopping a unit that is not loaded fails; that is fine when the goal is "gone".
    report.steps.push(...(await backend.deactivate()).map(stepOf));
  }
  if (installed) await fs.rm(ctx.filePath, { force: true });
  if (avail.available && backend.afterRemove) report.steps.push(...(await backend.afterRemove()).map(stepOf));
  report.installed = false;
  report.ok = true;
  if (!avail.available) {
    return unavailable(backend, report, avail.reason, installed ? `removed ${ctx.filePath}; where it runs, also run:` : `${ctx.filePath} was not installed; where it runs, run:`);
  }
  report.message = installed ? `uninstalled ${ctx.name} (removed ${ctx.filePath})` : `${ctx.name} was not installed (${ctx.filePath} does not exist)`;
  return report;
}

async function requireInstalled(backend: ServiceBackend, action: ServiceAction): Promise<ServiceReport | { report: ServiceReport }> {
  const installed = await exists(backend.ctx.filePath);
  const report = baseReport(backend, action, installed);
  if (!installed) {
    report.message = `${backend.ctx.name} is not installed (${backend.ctx.filePath} does not exist); run: openclaw gateway install`;
    return report;
  }
  const avail = await backend.availability();
  report.available = avail.available;
  if (!avail.available) return unavailable(backend, report, avail.reason, "run these commands where it is:");
  return { report };
}

export async function startService(backend: ServiceBackend, action: "start" | "restart", wait: WaitOptions = {}): Promise<ServiceReport> {
  const ready = await requireInstalled(backend, action);
  if (!("report" in ready)) return ready;
  const { report } = ready;
  const steps = action === "start" ? await backend.start() : await backend.restart();
  await startAndConfirm(backend, report, steps, wait, action === "start" ? "started" : "restarted");
  return report;
}

export async function stopService(backend: ServiceBackend, wait: { timeoutMs?: number; pollMs?: number } = {}): Promise<ServiceReport> {
  const ready = await requireInstalled(backend, "stop");
  if (!("report" in ready)) return ready;
  const { report } = ready;
  const steps = await backend.stop();
  report.steps.push(...steps.map(stepOf));
  const deadline = Date.now() + (wait.timeoutMs ?? 35_000);
  let rt = await backend.runtime();
  while (rt.state === "stopping" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, wait.pollMs ?? 250));
    rt = await backend.runtime();
  }
  report.state = rt.state;
  report.detail = rt.detail;
  const down = rt.state !== "running" && rt.state !== "starting" && rt.state !== "stopping" && rt.state !== "crash-looping";
  report.ok = down;
  const failed = failedStep(steps);
  report.message = down
    ? `stopped ${backend.ctx.name}`
    : `${backend.ctx.name} is still ${rt.state}: ${failed ? `${failed.command} failed: ${firstErrorLine(failed)}; ` : ""}${rt.detail}`;
  return report;
}

/** What `gateway status` shows about the service; fast (one file stat, one manager query). */
export async function serviceStatus(backend: ServiceBackend): Promise<ServiceReport> {
  const installed = await exists(backend.ctx.filePath);
  const report = baseReport(backend, "status", installed);
  if (!installed) {
    // The common case (started by hand) costs one stat, no systemctl/launchctl process.
    report.ok = true;
    report.message = "not installed";
    return report;
  }
  const avail = await backend.availability();
  report.available = avail.available;
  report.ok = true;
  if (!avail.available) {
    report.unavailableReason = avail.reason ?? "unknown";
    report.message = installed ? `installed; ${backend.title} not available here (${report.unavailableReason})` : "not installed";
    return report;
  }
  const rt = await backend.runtime();
  report.state = rt.state;
  report.detail = rt.detail;
  if (rt.mainPid !== undefined) report.pid = rt.mainPid;
  report.message = rt.detail;
  return report;
}
