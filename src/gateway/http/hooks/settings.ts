// The `hooks` config section resolved and checked (spec 4.10): token, base path, limits, routing
// policy, mappings and presets. The startup refusals live here; `validateHooksConfig` is what
// startup calls to turn them into exit-78 lines before anything listens.
import path from "node:path";
import { Messages } from "../../../errors.js";
import type { OpenClawConfig } from "../../../config/schema.js";
import { resolveConfigPath } from "../../../config/paths.js";
import { isValidSessionKey, parseSessionKey } from "../../../agents/sessions/keys.js";
import { HookConfigError, parseMappings, type HookMapping } from "./mappings.js";
import { presetMappings } from "./presets.js";
import { transformPathProblem } from "./transform.js";
import { NO_SECRETS, readSecretInput, type SecretValues } from "../../../secrets/values.js";

export const DEFAULT_HOOKS_PATH = "/hooks";
export const DEFAULT_HOOKS_MAX_BODY_BYTES = 256 * 1024;

/** The reference's exact refusals. */
/** The reference's startup refusals for hooks (kept in the error registry). */
export const HookConfigMessages = {
  tokenRequired: Messages.hooksTokenRequired,
  rootPath: Messages.hooksRootPath,
  tokenMatchesGateway: Messages.hooksTokenMatchesGateway,
} as const;

export interface HooksSettings {
  /** `/hooks`: leading slash, no trailing slash. */
  basePath: string;
  token: string;
  maxBodyBytes: number;
  allowRequestSessionKey: boolean;
  allowedSessionKeyPrefixes?: string[];
  allowedAgentIds?: string[];
  defaultSessionKey?: string;
  /** Config mappings first, then presets. */
  mappings: HookMapping[];
  /** Absolute. */
  transformsDir: string;
}

export interface HooksResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Relative `hooks.transformsDir` resolves against this file's directory. */
  configPath?: string;
  /** The gateway's shared secrets: the hooks token must differ from both. */
  gatewayAuth?: { token?: string; password?: string };
  /** The secrets snapshot that holds a `hooks.token` SecretRef's value. */
  secrets?: SecretValues;
}

type HooksConfig = NonNullable<OpenClawConfig["hooks"]>;

function resolveToken(value: unknown, secrets: SecretValues): string | undefined {
  return readSecretInput(value, "hooks.token", secrets, (message) => new HookConfigError(message))?.trim() || undefined;
}

export function normalizeBasePath(raw: string | undefined): string {
  const trimmed = raw?.trim() || DEFAULT_HOOKS_PATH;
  if (/[?#\s]/.test(trimmed)) throw new HookConfigError(`hooks.path must be a plain path such as ${DEFAULT_HOOKS_PATH}`);
  const base = `/${trimmed.replace(/^\/+|\/+$/g, "")}`;
  if (base === "/") throw new HookConfigError(HookConfigMessages.rootPath);
  return base;
}

function checkDefaultSessionKey(key: string | undefined): string | undefined {
  if (key === undefined || key.trim() === "") return undefined;
  if (!isValidSessionKey(key) || !parseSessionKey(key)) throw new HookConfigError(`hooks.defaultSessionKey "${key}" is not a valid session key`);
  return key;
}

/** The resolved settings, or null when hooks are disabled. Throws HookConfigError with one line. */
export function resolveHooksSettings(config: OpenClawConfig, opts: HooksResolveOptions = {}): HooksSettings | null {
  const hooks: HooksConfig | undefined = config.hooks;
  if (hooks?.enabled !== true) return null;
  const env = opts.env ?? process.env;
  const token = resolveToken(hooks.token, opts.secrets ?? NO_SECRETS);
  if (!token) throw new HookConfigError(HookConfigMessages.tokenRequired);
  const basePath = normalizeBasePath(hooks.path);
  const gw = opts.gatewayAuth ?? {};
  if (token === gw.token || token === gw.password) throw new HookConfigError(HookConfigMessages.tokenMatchesGateway);
  const configDir = path.dirname(opts.configPath ?? resolveConfigPath(env));
  const transformsDir = path.resolve(configDir, hooks.transformsDir ?? path.join("hooks", "transforms"));
  const mappings = [...parseMappings(hooks.mappings), ...presetMappings(hooks.presets)];
  mappings.forEach((m) => {
    const problem = m.transform && transformPathProblem(transformsDir, m.transform.module);
    if (problem) throw new HookConfigError(`${m.id}: ${problem}`);
  });
  const settings: HooksSettings = {
    basePath,
    token,
    maxBodyBytes: hooks.maxBodyBytes ?? DEFAULT_HOOKS_MAX_BODY_BYTES,
    allowRequestSessionKey: hooks.allowRequestSessionKey === true,
    mappings,
    transformsDir,
  };
  if (hooks.allowedSessionKeyPrefixes) settings.allowedSessionKeyPrefixes = hooks.allowedSessionKeyPrefixes;
  if (hooks.allowedAgentIds) settings.allowedAgentIds = hooks.allowedAgentIds;
  const defaultKey = checkDefaultSessionKey(hooks.defaultSessionKey);
  if (defaultKey) settings.defaultSessionKey = defaultKey;
  return settings;
}

/**
 * For startup: null when the hooks config is usable (or hooks are off), else the one line to
 * print before exiting 78 (`hooks.enabled requires hooks.token`, `hooks.path may not be '/'`, ...).
 */
export function validateHooksConfig(
  config: OpenClawConfig,
  gatewayAuth: { token?: string; password?: string },
  opts: Omit<HooksResolveOptions, "gatewayAuth"> = {},
): string | null {
  try {
    resolveHooksSettings(config, { ...opts, gatewayAuth });
    return null;
  } catch (err) {
    if (err instanceof HookConfigError) return err.message;
    throw err;
  }
}
