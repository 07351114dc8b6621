// Reads the config file into a snapshot: raw text and hash (for optimistic concurrency), the
// parsed file, and the resolved, validated config. File-content problems become issues.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { hashConfigRaw } from "./config-hash.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { resolveConfigValue, type ResolveOptions } from "./resolve.js";
import { parseJson5 } from "./json5-parse.js";
import { isPlainObject } from "./object-utils.js";
import type { OpenClawConfig } from "./schema.js";

/** Everything known about the config file at one moment. */
export interface ConfigSnapshot {
  path: string;
  exists: boolean;
  /** The file text as read, or null when the file does not exist. */
  raw: string | null;
  /** The file as parsed, before `$include` and `${VAR}` resolution. */
  parsed: unknown;
  /** The resolved config when valid; `{}` otherwise. */
  config: OpenClawConfig;
  /** sha256 hex of `raw`, or null when the file does not exist. */
  hash: string | null;
  valid: boolean;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Absolute paths of files pulled in by `$include`. */
  includedPaths: string[];
}

function configWarnings(config: OpenClawConfig, file: string): ConfigIssue[] {
  const gateway = (config as Record<string, unknown>).gateway;
  if (isPlainObject(gateway) && gateway.token !== undefined) {
    return [{ file, path: "gateway.token", message: 'legacy key is ignored; use "gateway.auth.token" instead' }];
  }
  return [];
}

/**
 * Reads and resolves the config at `configPath`. A missing file is a valid empty config.
 * Never throws for bad content (see `issues`); only I/O errors other than ENOENT are thrown.
 */
export async function readConfigSnapshot(
  configPath: string,
  env: NodeJS.ProcessEnv = process.env,
  opts: ResolveOptions = {},
): Promise<ConfigSnapshot> {
  const file = path.resolve(configPath);
  const base = { path: file, includedPaths: [] as string[], warnings: [] as ConfigIssue[] };
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return { ...base, exists: false, raw: null, parsed: {}, config: {}, hash: null, valid: true, issues: [] };
  }
  const hash = hashConfigRaw(raw);
  const invalid = (issues: ConfigIssue[], parsed: unknown, includedPaths: string[] = []): ConfigSnapshot => ({
    ...base, exists: true, raw, parsed, config: {}, hash, valid: false, issues, includedPaths,
  });

  const parsed = parseJson5(raw, file);
  if (!parsed.ok) return invalid([parsed.issue], {});

  const resolved = await resolveConfigValue(parsed.value, file, env, opts);
  if (!resolved.valid) return invalid(resolved.issues, parsed.value, resolved.includedPaths);
  const { includedPaths } = resolved;
  const config = resolved.config;
  return {
    ...base, exists: true, raw, parsed: parsed.value, config, hash, valid: true, issues: [],
    warnings: configWarnings(config, file), includedPaths,
  };
}

/** Like {@link readConfigSnapshot}, but throws a ConfigError listing every issue when invalid. */
export async function loadConfigOrThrow(configPath: string, env: NodeJS.ProcessEnv = process.env): Promise<ConfigSnapshot> {
  const snapshot = await readConfigSnapshot(configPath, env);
  if (!snapshot.valid) throw ConfigError.fromIssues(snapshot.issues);
  return snapshot;
}
