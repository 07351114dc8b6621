// Reads one log file line, in our format or in the reference project's tslog format, into a
// small record that the console formatter and `openclaw logs` print.

import { levelNameFromValue, toRecordLevel } from "./levels.js";

/** One parsed log line. `level` is a lowercase level name. */
export interface ParsedLogLine {
  time?: string;
  level?: string;
  subsystem?: string;
  message: string;
  fields?: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

/**
 * Parses a JSON log line. Understands our records (`msg`, `subsystem`, numeric `level`, `"1"`
 * fields) and tslog records (positional `"0"`, `"1"`, … plus `_meta.logLevelName`, `_meta.name`
 * holding `{"subsystem": …}` as JSON, `time` or `_meta.date`). Returns null for non-JSON lines.
 */
export function parseLogLine(line: string): ParsedLogLine | null {
  const text = line.trim();
  if (!text.startsWith("{")) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const meta = isObject(value._meta) ? value._meta : undefined;
  const body = readBody(value);
  const parsed: ParsedLogLine = { message: body.message };
  const time = readTime(value, meta);
  if (time !== undefined) parsed.time = time;
  const level = readLevel(value, meta);
  if (level !== undefined) parsed.level = level;
  const subsystem = typeof value.subsystem === "string" ? value.subsystem : (readMetaName(meta) ?? body.subsystem);
  if (subsystem !== undefined) parsed.subsystem = subsystem;
  if (body.fields !== undefined) parsed.fields = body.fields;
  return parsed;
}

interface Body {
  message: string;
  fields?: JsonObject;
  subsystem?: string;
}

function readBody(value: JsonObject): Body {
  if (typeof value.msg === "string") {
    return isObject(value["1"]) ? { message: value.msg, fields: value["1"] } : { message: value.msg };
  }
  // Integer-like keys already iterate in ascending numeric order.
  const keys = Object.keys(value).filter((key) => /^\d+$/.test(key));
  if (keys.length === 0) return { message: typeof value.message === "string" ? value.message : "" };
  const parts: string[] = [];
  const body: Body = { message: "" };
  for (const [index, key] of keys.entries()) {
    const arg = value[key];
    const bindings = index === 0 && typeof arg === "string" ? readBindings(arg) : undefined;
    if (bindings !== undefined) {
      if (bindings.subsystem !== undefined) body.subsystem = bindings.subsystem;
    } else if (typeof arg === "string") {
      parts.push(arg);
    } else if (isObject(arg)) {
      body.fields = { ...body.fields, ...arg };
    } else if (arg !== undefined) {
      parts.push(JSON.stringify(arg));
    }
  }
  body.message = parts.join(" ");
  return body;
}

// Some tslog child loggers pass their bindings as a leading JSON string argument.
function readBindings(arg: string): { subsystem?: string } | undefined {
  if (!arg.startsWith('{"subsystem"') && !arg.startsWith('{"module"')) return undefined;
  const parsed = tryJson(arg);
  if (!isObject(parsed)) return undefined;
  return typeof parsed.subsystem === "string" ? { subsystem: parsed.subsystem } : {};
}

function readTime(value: JsonObject, meta: JsonObject | undefined): string | undefined {
  if (typeof value.time === "string") return value.time;
  // Plain pino lines carry epoch milliseconds.
  if (typeof value.time === "number" && Number.isFinite(value.time)) return new Date(value.time).toISOString();
  return typeof meta?.date === "string" ? meta.date : undefined;
}

function readLevel(value: JsonObject, meta: JsonObject | undefined): string | undefined {
  if (typeof meta?.logLevelName === "string") {
    return toRecordLevel(meta.logLevelName) ?? meta.logLevelName.toLowerCase();
  }
  if (typeof value.level === "number") return levelNameFromValue(value.level);
  if (typeof value.level === "string") return toRecordLevel(value.level) ?? value.level.toLowerCase();
  return undefined;
}

function readMetaName(meta: JsonObject | undefined): string | undefined {
  const name = meta?.name;
  if (typeof name !== "string" || name === "") return undefined;
  if (!name.startsWith("{")) return name;
  const parsed = tryJson(name);
  return isObject(parsed) && typeof parsed.subsystem === "string" ? parsed.subsystem : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
