// Resolves an already-parsed config value the way the loader resolves a file: $include, ${VAR},
// then validation. Used to check a submitted config before it is written.
import path from "node:path";
import { substituteEnv } from "./env-substitution.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { resolveIncludes } from "./includes.js";
import type { OpenClawConfig } from "./schema.js";
import { validateConfig } from "./validate.js";

export type ResolvedConfigValue =
  | { valid: true; config: OpenClawConfig; includedPaths: string[] }
  | { valid: false; issues: ConfigIssue[]; includedPaths: string[] };

export async function resolveConfigValue(parsed: unknown, file: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfigValue> {
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
  const issues = validateConfig(resolved, abs);
  if (issues.length > 0) return { valid: false, issues, includedPaths };
  return { valid: true, config: resolved as OpenClawConfig, includedPaths };
}
