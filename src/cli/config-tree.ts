// The CLI's cheap config read: parse (JSON5), `$include` and `${VAR}`, but no schema validation,
// so status/health/logs never load the validator. Commands that must judge validity
// (`config set`, `config validate`, `gateway status`) validate the resolved tree themselves.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { substituteEnv } from "../config/env-substitution.js";
import { ConfigError, type ConfigIssue } from "../config/errors.js";
import type { Json5ParseResult } from "../config/json5-parse.js";

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

// Files we write are plain JSON, so the JSON5 parser (and `$include`, which needs it) load only
// when a file actually uses them: a few milliseconds off every status/health/logs call.
async function parseConfigText(raw: string, file: string): Promise<Json5ParseResult> {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    const { parseJson5 } = await import("../config/json5-parse.js");
    return parseJson5(raw, file);
  }
}

function hasInclude(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasInclude);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([key, child]) => key === "$include" || hasInclude(child));
}

/** Resolves `$include` and `${VAR}` in an already-parsed tree (used before writing, too). */
export async function resolveConfigTree(
  parsed: unknown,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ resolved: unknown; issues: ConfigIssue[] }> {
  try {
    let value = parsed;
    if (hasInclude(parsed)) {
      const { resolveIncludes } = await import("../config/includes.js");
      value = (await resolveIncludes(parsed, file, { rootDir: path.dirname(file) })).value;
    }
    return { resolved: substituteEnv(value, env, file), issues: [] };
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
  const parsed = await parseConfigText(raw, file);
  if (!parsed.ok) return { path: file, exists: true, parsedOk: false, parsed: undefined, resolved: undefined, issues: [parsed.issue] };
  const { resolved, issues } = await resolveConfigTree(parsed.value, file, env);
  return { path: file, exists: true, parsedOk: true, parsed: parsed.value, resolved, issues };
}
