// What a service install is about: which manager (systemd or launchd), user or system scope, the
// service name for this profile, where its file goes (overridable so tests use a temp dir), and
// the program and environment it runs. Imports only node built-ins and config paths.
import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveConfigPath, resolveStateDir } from "../config/paths.js";
import { VERSION } from "../version.js";
import { launchdLabel, serviceProfile, systemdUnitName } from "./names.js";
import type { ServiceProgram } from "./systemd-unit.js";

export type ServiceManager = "systemd" | "launchd";

export interface ServiceContext {
  manager: ServiceManager;
  system: boolean;
  profile?: string;
  /** Unit name (`openclaw-gateway.service`) or launchd label (`ai.openclaw.gateway`). */
  name: string;
  dir: string;
  filePath: string;
  configPath: string;
  stateDir: string;
  /** The OS user's home (for launchd log paths); never OPENCLAW_HOME. */
  userHome: string;
  uid: number;
  env: NodeJS.ProcessEnv;
}

export interface ServiceFlags {
  system?: boolean;
  unitDir?: string;
}

export class ServiceSetupError extends Error {}

/** systemd on Linux, launchd on macOS; OPENCLAW_SERVICE_MANAGER overrides (tests, odd hosts). */
export function resolveManager(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): ServiceManager {
  const forced = env.OPENCLAW_SERVICE_MANAGER?.trim();
  if (forced === "systemd" || forced === "launchd") return forced;
  if (forced) throw new ServiceSetupError(`OPENCLAW_SERVICE_MANAGER must be "systemd" or "launchd" (got "${forced}")`);
  if (platform === "darwin") return "launchd";
  if (platform === "linux") return "systemd";
  throw new ServiceSetupError(`service management is not supported on ${platform}; run \`openclaw gateway run\` under your own supervisor`);
}

function userHome(env: NodeJS.ProcessEnv): string {
  return env.HOME?.trim() || os.homedir();
}

/** Default directory for the service file (before `--unit-dir` / OPENCLAW_SERVICE_DIR). */
export function defaultServiceDir(manager: ServiceManager, system: boolean, env: NodeJS.ProcessEnv): string {
  if (manager === "systemd") {
    if (system) return "/etc/systemd/system";
    const xdg = env.XDG_CONFIG_HOME?.trim();
    return path.join(xdg || path.join(userHome(env), ".config"), "systemd", "user");
  }
  return system ? "/Library/LaunchDaemons" : path.join(userHome(env), "Library", "LaunchAgents");
}

export function resolveServiceContext(flags: ServiceFlags, env: NodeJS.ProcessEnv = process.env): ServiceContext {
  const manager = resolveManager(env);
  const system = flags.system ?? false;
  const profile = serviceProfile(env);
  const name = manager === "systemd" ? systemdUnitName(profile) : launchdLabel(profile);
  const override = flags.unitDir?.trim() || env.OPENCLAW_SERVICE_DIR?.trim();
  const dir = path.resolve(override || defaultServiceDir(manager, system, env));
  const file = manager === "systemd" ? name : `${name}.plist`;
  return {
    manager,
    system,
    ...(profile ? { profile } : {}),
    name,
    dir,
    filePath: path.join(dir, file),
    configPath: resolveConfigPath(env),
    stateDir: resolveStateDir(env),
    userHome: userHome(env),
    uid: process.getuid?.() ?? 0,
    env,
  };
}

/** The CLI entry this process runs from (so the service runs the same install). */
export function cliEntry(argv1: string | undefined = process.argv[1]): string {
  if (!argv1) throw new ServiceSetupError("cannot tell which openclaw entry script is running");
  try {
    return realpathSync(argv1);
  } catch {
    return path.resolve(argv1);
  }
}

export interface ProgramOptions {
  port?: number;
  token?: string;
  nodePath?: string;
  entry?: string;
}

/**
 * `node <entry> gateway run [--port N]` with the env that pins this instance: its profile, state
 * dir and config path (so a service never silently reads another instance's config).
 */
export function serviceProgram(ctx: ServiceContext, opts: ProgramOptions = {}): ServiceProgram {
  const node = opts.nodePath ?? process.execPath;
  const args = [node, opts.entry ?? cliEntry(), "gateway", "run"];
  if (opts.port !== undefined) args.push("--port", String(opts.port));
  const environment: Record<string, string> = {};
  const home = ctx.env.OPENCLAW_HOME?.trim();
  if (home) environment.OPENCLAW_HOME = home;
  if (ctx.profile) environment.OPENCLAW_PROFILE = ctx.profile;
  environment.OPENCLAW_STATE_DIR = ctx.stateDir;
  environment.OPENCLAW_CONFIG_PATH = ctx.configPath;
  if (opts.token) environment.OPENCLAW_GATEWAY_TOKEN = opts.token;
  // A gateway installed from a lockless shell stays lockless (and `restart` then cannot use the lock).
  if (ctx.env.OPENCLAW_ALLOW_MULTI_GATEWAY === "1") environment.OPENCLAW_ALLOW_MULTI_GATEWAY = "1";
  environment.PATH = [...new Set([path.dirname(node), "/usr/local/bin", "/usr/bin", "/bin"])].join(":");
  environment.OPENCLAW_SERVICE_MARKER = "openclaw";
  environment.OPENCLAW_SERVICE_KIND = "gateway";
  environment.OPENCLAW_SERVICE_VERSION = VERSION;
  if (ctx.manager === "systemd") environment.OPENCLAW_SYSTEMD_UNIT = ctx.name;
  else environment.OPENCLAW_LAUNCHD_LABEL = ctx.name;
  return { programArguments: args, environment };
}

/** `OpenClaw Gateway`, or `OpenClaw Gateway (profile: x, v1.2.3)`. */
export function serviceDescription(ctx: ServiceContext): string {
  return ctx.profile ? `OpenClaw Gateway (profile: ${ctx.profile}, v${VERSION})` : "OpenClaw Gateway";
}
