// The CLI's cheap config read: parse (JSON5), `$include` and `${VAR}`, but no schema validation,
// so status/health/logs never load the validator. Commands that must judge validity
// (`config set`, `config validate`, `gateway status`) validate the resolved tree themselves.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { substituteEnv } from "../config/env-substitution.js";
import { ConfigError, type ConfigIssue } from "../config/errors.js";
import { resolveIncludes } from "../config/includes.js";
import { parseJson5 } from "../config/json5-parse.js";

/** The config file as read: `parsed` is the file itself, `resolved` the tree after includes and env. */
export interface ConfigTree {
  path: string;
  exists: boolean;
  /** True when the file parsed (a missing file counts as parsed: `{}`). */
  parsedOk: boolean;
  parsed: unknown;
  /** The resolved tree, or undefined when parsing, `$include` or `${VAR}` failed (see issues). */
  resolved: unknown;
  issues: ConfigIssue[];
}

/** Resolves `$include` and `${VAR}` in an already-parsed tree (used before writing, too). */
export async function resolveConfigTree(
  parsed: unknown,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ resolved: unknown; issues: ConfigIssue[] }> {
  try {
    const included = await resolveIncludes(parsed, file, { rootDir: path.dirname(file) });
    return { resolved: substituteEnv(included.value, env, file), issues: [] };
  } catch (err) {
    if (err instanceof ConfigError) {
      const issues = err.issues.length > 0 ? err.issues : [{ file, path: "", message: err.message }];
      return { resolved: undefined, issues };
    }
    throw err;
  }
}

/** Reads `configPath`; a missing file is `{}`. Only I/O errors other than ENOENT throw. */
export async function readConfigTree(configPath: string, env: NodeJS.ProcessEnv): Promise<ConfigTree> {
  const file = path.resolve(configPath);
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return { path: file, exists: false, parsedOk: true, parsed: {}, resolved: {}, issues: [] };
  }
  const parsed = parseJson5(raw, file);
  if (!parsed.ok) return { path: file, exists: true, parsedOk: false, parsed: undefined, resolved: undefined, issues: [parsed.issue] };
  const { resolved, issues } = await resolveConfigTree(parsed.value, file, env);
  return { path: file, exists: true, parsedOk: true, parsed: parsed.value, resolved, issues };
}
