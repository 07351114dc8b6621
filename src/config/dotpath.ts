// Dotted config paths ("gateway.auth.token", "agents.list[0].id", 'models["openai/gpt-4.1"]'):
// parsing, formatting, immutable get/set/unset, and a leaf-level diff for reload planning.
import { ConfigError } from "./errors.js";
import { isPlainObject, jsonEqual, setOwn } from "./object-utils.js";

/** A path segment: object key (string) or array index from `[n]` (number). */
export type PathSegment = string | number;

const SIMPLE_KEY = /^[A-Za-z0-9_$-]+$/;

/** Parses `a.b[0].c`, `a.b.0.c` or `a["x.y"]` into segments. Empty string is the root. */
export function parsePath(input: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new ConfigError(`invalid config path "${input}": ${why}`);
  };
  while (i < input.length) {
    const ch = input[i];
    if (ch === "[") {
      const quote = input[i + 1];
      if (quote === '"' || quote === "'") {
        let j = i + 2;
        let text = "";
        while (j < input.length && input[j] !== quote) {
          if (input[j] === "\\") j++;
          if (j >= input.length) break;
          text += input[j++];
        }
        if (input[j] !== quote || input[j + 1] !== "]") fail("unterminated quoted key");
        segments.push(text);
        i = j + 2;
      } else {
        const close = input.indexOf("]", i);
        const index = close < 0 ? "" : input.slice(i + 1, close);
        if (!/^\d+$/.test(index)) fail("expected an index or a quoted key inside []");
        segments.push(Number(index));
        i = close + 1;
      }
    } else {
      if (ch === ".") {
        if (segments.length === 0) fail("leading dot");
        i++;
      } else if (segments.length > 0) {
        fail(`unexpected "${ch}"`);
      }
      let j = i;
      while (j < input.length && input[j] !== "." && input[j] !== "[") j++;
      if (j === i) fail("empty segment");
      segments.push(input.slice(i, j));
      i = j;
    }
    if (i < input.length && input[i] !== "." && input[i] !== "[") fail(`unexpected "${input[i]}"`);
  }
  return segments;
}

/** Formats segments as a dotted path, quoting keys that would not parse back as one segment. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    const key = String(segment);
    if (SIMPLE_KEY.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function toSegments(path: string | readonly PathSegment[]): readonly PathSegment[] {
  return typeof path === "string" ? parsePath(path) : path;
}

function arrayIndex(segment: PathSegment): number | undefined {
  const text = String(segment);
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function child(container: unknown, segment: PathSegment): unknown {
  if (Array.isArray(container)) {
    const index = arrayIndex(segment);
    return index === undefined ? undefined : container[index];
  }
  if (isPlainObject(container) && Object.hasOwn(container, String(segment))) {
    return container[String(segment)];
  }
  return undefined;
}

/** Value at `path`, or undefined when any step is missing. */
export function getAtPath(obj: unknown, path: string | readonly PathSegment[]): unknown {
  let current = obj;
  for (const segment of toSegments(path)) {
    current = child(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

// Copies one container with `segment` replaced; missing containers are created as arrays for
// numeric `[n]` segments and as objects otherwise.
function withChild(container: unknown, segment: PathSegment, value: unknown, where: string): unknown {
  if (container === undefined) container = typeof segment === "number" ? [] : {};
  if (Array.isArray(container)) {
    const index = arrayIndex(segment);
    if (index === undefined || index > container.length) {
      throw new ConfigError(`cannot set "${where}": index ${String(segment)} is out of range`);
    }
    const copy = container.slice();
    copy[index] = value;
    return copy;
  }
  if (!isPlainObject(container)) {
    throw new ConfigError(`cannot set "${where}": parent is not an object`);
  }
  const copy = { ...container };
  setOwn(copy, String(segment), value);
  return copy;
}

/** Returns a copy of `obj` with `value` at `path`; intermediate objects/arrays are created. */
export function setAtPath(obj: unknown, path: string | readonly PathSegment[], value: unknown): unknown {
  const segments = toSegments(path);
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  const where = formatPath(segments);
  const next = rest.length === 0 ? value : setAtPath(child(obj, head as PathSegment), rest, value);
  return withChild(obj, head as PathSegment, next, where);
}

/** Returns a copy of `obj` without `path` (array entries are spliced out); unchanged if absent. */
export function unsetAtPath(obj: unknown, path: string | readonly PathSegment[]): unknown {
  const segments = toSegments(path);
  if (segments.length === 0) return undefined;
  const [head, ...rest] = segments as [PathSegment, ...PathSegment[]];
  const current = child(obj, head);
  if (current === undefined) return obj;
  if (rest.length > 0) {
    const next = unsetAtPath(current, rest);
    return next === current ? obj : withChild(obj, head, next, formatPath(segments));
  }
  if (Array.isArray(obj)) return obj.filter((_, i) => i !== arrayIndex(head));
  const copy = { ...(obj as Record<string, unknown>) };
  delete copy[String(head)];
  return copy;
}

/**
 * Dotted paths whose values differ between two configs: leaf-level for objects, whole-array
 * for arrays (an array edit is reported at the array's path). A root change is reported as "".
 */
export function diffPaths(prev: unknown, next: unknown): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, at: PathSegment[]): void => {
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) walk(a[key], b[key], [...at, key]);
      return;
    }
    if (!jsonEqual(a, b)) {
      // A side that is a whole object (added or removed) is reported by its leaves.
      if (isPlainObject(a) && b === undefined) walk(a, {}, at);
      else if (isPlainObject(b) && a === undefined) walk({}, b, at);
      else out.push(formatPath(at));
    }
  };
  walk(prev, next, []);
  return out;
}
