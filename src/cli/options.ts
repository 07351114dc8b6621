// Parsing of flag values commander hands over as strings: integers with bounds, ports and
// `--params` JSON. Each failure is a usage error naming the flag.
import { usageError } from "./cli-error.js";

/** Default `--timeout` of RPC commands. */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

export interface IntBounds {
  min?: number;
  max?: number;
}

/** Parses an integer flag value; `undefined` gives `fallback`. */
export function parseIntFlag(flag: string, value: string | number | undefined, fallback: number, bounds: IntBounds = {}): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  const min = bounds.min ?? Number.MIN_SAFE_INTEGER;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = bounds.max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw usageError(`invalid ${flag}: "${text}" (expected ${range})`);
  }
  return n;
}

/** `--timeout <ms>`: a positive number of milliseconds. */
export function parseTimeoutMs(value: string | number | undefined, fallback: number): number {
  return parseIntFlag("--timeout", value, fallback, { min: 1 });
}

/** A TCP port (1..65535), or undefined when the text is not one. */
export function toPort(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
  if (typeof value !== "string" || !/^\d+$/.test(value.trim())) return undefined;
  return toPort(Number(value.trim()));
}

/** `--params <json>` for `gateway call`: any JSON value; empty means `{}`. */
export function parseParamsJson(text: string | undefined): unknown {
  const source = text === undefined || text.trim() === "" ? "{}" : text;
  try {
    return JSON.parse(source) as unknown;
  } catch (err) {
    throw usageError(`invalid --params JSON: ${(err as Error).message}`);
  }
}
