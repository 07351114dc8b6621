// Keeps secrets out of what `config.get` returns, and puts them back when a client submits a
// config that still carries the placeholders it was given.
import { json5 } from "./json5-loader.js";
import { formatPath, getAtPath, type PathSegment } from "./dotpath.js";
import type { ConfigIssue } from "./errors.js";
import { isPlainObject, setOwn } from "./object-utils.js";

/** Placeholder that replaces secret values in redacted output. */
export const REDACTED = "__OPENCLAW_REDACTED__";

// Compared against the key lower-cased with "_" and "-" removed, as a suffix, so variants such
// as `botToken`, `OPENAI_API_KEY` or `webhook-secret` are caught along with the bare names.
const SECRET_KEY_SUFFIXES = ["token", "password", "apikey", "secret", "privatekey", "authorization"];
const ENV_REFERENCE_ONLY = /^\$\{[A-Z_][A-Z0-9_]*\}$/;

/** True for keys whose string values are treated as secrets. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[_-]/g, "");
  return SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

// A `${VAR}` reference names a secret without containing it, so it stays visible.
function isSecretValue(key: string, value: unknown): value is string {
  return isSecretKey(key) && typeof value === "string" && value !== "" && !ENV_REFERENCE_ONLY.test(value);
}

/** Deep copy of `config` with secret strings replaced by {@link REDACTED} (SecretRefs are kept). */
export function redactConfig<T>(config: T): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isPlainObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) setOwn(out, key, isSecretValue(key, value) ? REDACTED : walk(value));
    return out;
  };
  return walk(config) as T;
}

function collectSecrets(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((item) => collectSecrets(item, into));
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (isSecretValue(key, value)) into.add(value);
    else collectSecrets(value, into);
  }
}

function stringLiteralEnd(raw: string, start: number): number {
  const quote = raw[start];
  for (let i = start + 1; i < raw.length; i++) {
    if (raw[i] === "\\") i++;
    else if (raw[i] === quote) return i;
  }
  return raw.length - 1;
}

function isObjectKey(raw: string, after: number): boolean {
  let i = after;
  while (i < raw.length && /\s/.test(raw[i]!)) i++;
  return raw[i] === ":";
}

// Below this length a secret found inside a longer string is more likely coincidence than a leak.
const MIN_EMBEDDED_SECRET_LENGTH = 8;

/**
 * Returns `raw` (JSON5 text) with secrets, per the resolved `config` or the file's own content,
 * replaced by {@link REDACTED}: string literals equal to a secret are replaced whole; secrets of
 * 8+ characters are also scrubbed from inside other literals (URLs, headers) and comments.
 */
export function redactRaw(raw: string, config: unknown): string {
  const secrets = new Set<string>();
  collectSecrets(config, secrets);
  try {
    collectSecrets(json5().parse(raw), secrets);
  } catch {
    // Unparseable text still gets the secrets known from the resolved config removed.
  }
  if (secrets.size === 0) return raw;
  const embedded = [...secrets]
    .filter((secret) => secret.length >= MIN_EMBEDDED_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string): string => embedded.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);

  let out = "";
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === "/" && (raw[i + 1] === "/" || raw[i + 1] === "*")) {
      const close = raw[i + 1] === "/" ? raw.indexOf("\n", i) : raw.indexOf("*/", i + 2);
      const stop = close < 0 ? raw.length : raw[i + 1] === "/" ? close : close + 2;
      out += scrub(raw.slice(i, stop));
      i = stop;
    } else if (ch === '"' || ch === "'") {
      const end = stringLiteralEnd(raw, i);
      const literal = raw.slice(i, end + 1);
      let value: unknown;
      try {
        value = json5().parse(literal);
      } catch {
        value = undefined;
      }
      if (isObjectKey(raw, end + 1)) out += literal;
      else if (typeof value === "string" && secrets.has(value)) out += `${ch}${REDACTED}${ch}`;
      else out += scrub(literal);
      i = end + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * For config.set/apply: replaces each {@link REDACTED} in `next` with the value at the same path
 * in `current`, so round-tripping `config.get` output keeps secrets. A placeholder with nothing
 * to restore is reported as an issue (and left in place).
 */
export function restoreRedacted(
  next: unknown,
  current: unknown,
  file = "",
): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, at: PathSegment[]): unknown => {
    if (node === REDACTED) {
      const previous = getAtPath(current, at);
      if (previous !== undefined) return previous;
      const message = `"${REDACTED}" has no current value to restore; provide the real value`;
      issues.push({ file, path: formatPath(at), message });
      return node;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...at, i]));
    if (!isPlainObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) setOwn(out, key, walk(value, [...at, key]));
    return out;
  };
  return { value: walk(next, []), issues };
}
