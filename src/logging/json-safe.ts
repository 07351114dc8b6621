// Makes log fields survive JSON.stringify with their meaning intact: Errors keep their
// message and stack, bigints become strings, Maps and Sets become objects and arrays.

// Deeper values are left as they are: pino's circular-safe stringify still copes with them,
// and walking further would cost more than a log line is worth.
const MAX_DEPTH = 5;

/**
 * Returns `fields` with every value made JSON-safe. The input is returned untouched (no copy)
 * when nothing needed converting, which is the common case.
 */
export function toJsonSafe(fields: Record<string, unknown>): Record<string, unknown> {
  return safeValue(fields, 0) as Record<string, unknown>;
}

/** Serialises an Error into a plain object: name, message, stack, own fields and cause. */
export function serializeError(err: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  if (err.stack !== undefined) out.stack = err.stack;
  // Causes can loop back to the error itself: the depth bound ends the chain.
  if (depth >= MAX_DEPTH) return out;
  // Own enumerable fields carry things like `code`, `errno`, `syscall`, `path`.
  for (const key of Object.keys(err)) {
    if (!(key in out)) out[key] = safeValue((err as unknown as Record<string, unknown>)[key], depth + 1);
  }
  if (err.cause !== undefined) out.cause = safeValue(err.cause, depth + 1);
  if (err instanceof AggregateError) {
    out.errors = (err.errors as unknown[]).map((inner) => safeValue(inner, depth + 1));
  }
  return out;
}

function safeValue(value: unknown, depth: number): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) return serializeError(value, depth);
  if (depth >= MAX_DEPTH) return value;
  if (value instanceof Map) return safeValue(Object.fromEntries(value), depth + 1);
  if (value instanceof Set) return safeValue([...value], depth + 1);
  if (Array.isArray(value)) return safeArray(value, depth);
  if (!isPlainObject(value)) return value;
  return safeObject(value as Record<string, unknown>, depth);
}

function safeArray(value: unknown[], depth: number): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const converted = safeValue(value[i], depth + 1);
    if (converted !== value[i]) {
      out ??= value.slice();
      out[i] = converted;
    }
  }
  return out ?? value;
}

function safeObject(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const converted = safeValue(value[key], depth + 1);
    if (converted !== value[key]) {
      out ??= { ...value };
      out[key] = converted;
    }
  }
  return out ?? value;
}

// Class instances (Dates, Buffers, URLs...) have their own toJSON or are opaque; only plain
// objects are walked.
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
