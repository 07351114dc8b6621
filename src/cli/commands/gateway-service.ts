// `openclaw gateway install|uninstall|start|stop|restart`: the supervised service (systemd or
// launchd). Loads only src/service (node built-ins and config paths), never the server.
import { installService, startService, stopService, uninstallService, createBackend, type ServiceReport } from "../../service/actions.js";
import { ServiceSetupError } from "../../service/context.js";
import { CliError, usageError } from "../cli-error.js";
import { printJson, printLines } from "../format.js";

export interface ServiceFlags {
  system?: boolean;
  unitDir?: string;
  json?: boolean;
}

export interface InstallFlags extends ServiceFlags {
  port?: string;
  token?: string;
  force?: boolean;
  runAs?: string;
}

/** Human output: the one line, then (when the manager is missing) the file and the commands. */
export function renderServiceReport(report: ServiceReport): string[] {
  const lines = [report.message];
  if (report.manualCommands) {
    if (report.unit && report.action === "install") {
      lines.push(`Unit file: ${report.unitPath}`, "", ...report.unit.replace(/\n$/, "").split("\n"), "");
    } else {
      lines.push(`Unit file: ${report.unitPath}`);
    }
    lines.push("Commands:", ...report.manualCommands.map((c) => `  ${c}`));
  }
  return lines;
}

function emit(report: ServiceReport, json: boolean | undefined): number {
  if (json) printJson(report);
  else printLines(renderServiceReport(report), report.ok ? process.stdout : process.stderr);
  return report.ok ? 0 : 1;
}

function backendFor(flags: ServiceFlags) {
  try {
    return createBackend({ ...(flags.system ? { system: true } : {}), ...(flags.unitDir ? { unitDir: flags.unitDir } : {}) });
  } catch (err) {
    if (err instanceof ServiceSetupError) throw new CliError(err.message);
    throw err;
  }
}

function parseInstallPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw usageError(`Invalid --port (use 1-65535): ${value}`);
  return n;
}

export async function runServiceAction(action: "install" | "uninstall" | "start" | "restart" | "stop", flags: InstallFlags): Promise<number> {
  const backend = backendFor(flags);
  switch (action) {
    case "install": {
      const port = parseInstallPort(flags.port);
      const report = await installService(backend, {
        ...(port !== undefined ? { port } : {}),
        ...(flags.token ? { token: flags.token } : {}),
        ...(flags.runAs ? { runAs: flags.runAs } : {}),
        ...(flags.force ? { force: true } : {}),
      });
      return emit(report, flags.json);
    }
    case "uninstall":
      return emit(await uninstallService(backend), flags.json);
    case "start":
    case "restart":
      return emit(await startService(backend, action), flags.json);
    case "stop":
      return emit(await stopService(backend), flags.json);
  }
}

/** True when this profile's service is installed and its manager reachable (so `gateway stop` uses it). */
export async function serviceManaged(flags: ServiceFlags): Promise<boolean> {
  try {
    const { access } = await import("node:fs/promises");
    const backend = createBackend({ ...(flags.system ? { system: true } : {}), ...(flags.unitDir ? { unitDir: flags.unitDir } : {}) });
    if (!(await access(backend.ctx.filePath).then(() => true, () => false))) return false;
    return (await backend.availability()).available;
  } catch {
    return false;
  }
}
