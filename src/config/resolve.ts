// Resolves an already-parsed config value the way the loader resolves a file: $include, ${VAR},
// then validation. Used to check a submitted config before it is written.
import path from "node:path";
import { substituteEnv } from "./env-substitution.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { resolveIncludes } from "./includes.js";
import type { OpenClawConfig } from "./schema.js";
import { isKnownValid, rememberValid, validationKey } from "./validation-cache.js";

export type ResolvedConfigValue =
  | { valid: true; config: OpenClawConfig; includedPaths: string[] }
  | { valid: false; issues: ConfigIssue[]; includedPaths: string[] };

export interface ResolveOptions {
  /** Skip validating a resolved config known to be valid for this build (gateway startup). */
  validationCache?: boolean;
}

export async function resolveConfigValue(
  parsed: unknown,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  opts: ResolveOptions = {},
): Promise<ResolvedConfigValue> {
  const abs = path.resolve(file);
  let includedPaths: string[] = [];
  let resolved: unknown;
  try {
    const included = await resolveIncludes(parsed, abs, { rootDir: path.dirname(abs) });
    includedPaths = included.includedPaths;
    resolved = substituteEnv(included.value, env, abs);
  } catch (error) {
    if (error instanceof ConfigError) return { valid: false, issues: error.issues, includedPaths };
    throw error;
  }
  const key = opts.validationCache ? validationKey(resolved) : undefined;
  if (key && (await isKnownValid(abs, key))) return { valid: true, config: resolved as OpenClawConfig, includedPaths };
  // The validator is large: loaded only when a config has to be validated.
  const { validateConfig } = await import("./validate.js");
  const issues = validateConfig(resolved, abs);
  if (issues.length > 0) return { valid: false, issues, includedPaths };
  if (key) await rememberValid(abs, key);
  return { valid: true, config: resolved as OpenClawConfig, includedPaths };
}
