// Where OpenClaw keeps its state: home, state dir, config file, lock file and workspace,
// all derived from the environment. The CLI fast path loads this, so it imports only node
// built-ins (plus the import-free errors module).
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "./errors.js";

/** Default gateway port when neither flag, env nor config sets one. */
export const DEFAULT_GATEWAY_PORT = 18789;
/** Port `--dev` uses so a dev gateway can run beside the real one. */
export const DEV_GATEWAY_PORT = 19001;

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;

function envValue(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? value : undefined;
}

// "~" in OPENCLAW_HOME itself must mean the OS user's home, not OPENCLAW_HOME.
function osUserHome(env: NodeJS.ProcessEnv): string {
  return envValue(env, "HOME") ?? envValue(env, "USERPROFILE") ?? os.homedir();
}

function expandTilde(value: string, home: string): string {
  if (value === "~") return home;
  if (value.startsWith("~/") || value.startsWith("~\\")) return path.join(home, value.slice(2));
  return value;
}

function activeProfile(env: NodeJS.ProcessEnv): string | undefined {
  const profile = envValue(env, "OPENCLAW_PROFILE");
  return profile && profile.toLowerCase() !== "default" ? profile : undefined;
}

/** Home directory: OPENCLAW_HOME (with `~` expanded), else HOME, else USERPROFILE, else os.homedir(). */
export function resolveHomeDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = envValue(env, "OPENCLAW_HOME");
  const home = osUserHome(env);
  return path.resolve(override ? expandTilde(override, home) : home);
}

/** State dir: OPENCLAW_STATE_DIR, else `<home>/.openclaw` (or `.openclaw-<profile>`). */
export function resolveStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = resolveHomeDir(env);
  const override = envValue(env, "OPENCLAW_STATE_DIR");
  if (override) return path.resolve(expandTilde(override, home));
  const profile = activeProfile(env);
  return path.join(home, profile ? `.openclaw-${profile}` : ".openclaw");
}

/** Config file: OPENCLAW_CONFIG_PATH, else `<stateDir>/openclaw.json`. */
export function resolveConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = envValue(env, "OPENCLAW_CONFIG_PATH");
  if (override) return path.resolve(expandTilde(override, resolveHomeDir(env)));
  return path.join(resolveStateDir(env), "openclaw.json");
}

/** Per-config-file gateway lock: `<tmpdir>/openclaw-<uid>/gateway.<sha256(configPath)[0..8]>.lock`. */
export function resolveGatewayLockPath(configPath: string, uid: number = process.getuid?.() ?? 0): string {
  const digest = createHash("sha256").update(configPath).digest("hex").slice(0, 8);
  return path.join(os.tmpdir(), `openclaw-${uid}`, `gateway.${digest}.lock`);
}

/** Default agent workspace: `<home>/.openclaw/workspace` (or `workspace-<profile>`). */
export function resolveWorkspaceDir(env: NodeJS.ProcessEnv = process.env): string {
  const profile = activeProfile(env);
  return path.join(resolveHomeDir(env), ".openclaw", profile ? `workspace-${profile}` : "workspace");
}

/** True when `name` is usable as a profile (letters, digits, `_`, `-`). */
export function isValidProfileName(name: unknown): name is string {
  return typeof name === "string" && PROFILE_NAME.test(name);
}

/**
 * Applies the CLI root flags `--dev` / `--profile <name>` to `env`.
 * `--dev` is `--profile dev` plus OPENCLAW_GATEWAY_PORT=19001 when the port is not already set.
 * Explicit OPENCLAW_STATE_DIR / OPENCLAW_CONFIG_PATH are left alone; paths follow from the profile.
 */
export function applyCliProfile(
  opts: { profile?: string; dev?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (opts.dev && opts.profile !== undefined) {
    throw new ConfigError("Cannot combine --dev with --profile");
  }
  const profile = opts.dev ? "dev" : opts.profile?.trim();
  if (profile === undefined) return;
  if (!isValidProfileName(profile)) {
    throw new ConfigError('Invalid --profile (use letters, numbers, "_" or "-")');
  }
  env.OPENCLAW_PROFILE = profile;
  if (opts.dev && !envValue(env, "OPENCLAW_GATEWAY_PORT")) {
    env.OPENCLAW_GATEWAY_PORT = String(DEV_GATEWAY_PORT);
  }
}
