// `${VAR}` substitution in config strings. Only upper-case names are variables, so shell-ish or
// template text like `${name}` passes through; `$${VAR}` is the escape for a literal `${VAR}`.
import { formatPath, type PathSegment } from "./dotpath.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { isPlainObject, setOwn } from "./object-utils.js";

const REFERENCE = /(\$?)\$\{([A-Z_][A-Z0-9_]*)\}/g;

/**
 * Returns a copy of `value` with `${VAR}` replaced in every string. Every missing or empty
 * variable is collected, then reported together as one ConfigError.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, file: string): unknown {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();

  const substitute = (text: string, at: PathSegment[]): string =>
    text.replace(REFERENCE, (match, escape: string, name: string) => {
      if (escape) return match.slice(1);
      const resolved = env[name];
      if (resolved !== undefined && resolved !== "") return resolved;
      const path = formatPath(at);
      if (!seen.has(`${path}\0${name}`)) {
        seen.add(`${path}\0${name}`);
        issues.push({ file, path, message: `missing environment variable ${name}` });
      }
      return match;
    });

  const walk = (node: unknown, at: PathSegment[]): unknown => {
    if (typeof node === "string") return substitute(node, at);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...at, i]));
    if (!isPlainObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) setOwn(out, key, walk(item, [...at, key]));
    return out;
  };

  const result = walk(value, []);
  if (issues.length > 0) throw ConfigError.fromIssues(issues);
  return result;
}
