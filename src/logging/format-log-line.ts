// Turns parsed log records into human text: the logger's console styles and the
// `openclaw logs` printer styles share the pieces here.

import type { ParsedLogLine } from "./parse-log-line.js";

/** Styles of `openclaw logs` output. */
export type LogLineStyle = "pretty" | "plain" | "json";

/** Options of {@link formatLogLine}. */
export interface FormatLogLineOptions {
  style: LogLineStyle;
  /** ANSI colours (pretty style only). */
  color: boolean;
  /** Show times in the local time zone instead of UTC. */
  localTime: boolean;
}

/** Console styles of the logger that render text (json passes lines through). */
export type ConsoleTextStyle = "pretty" | "compact";

const RESET = "\u001b[0m";
const GRAY = "\u001b[90m";
const CYAN = "\u001b[36m";
const LEVEL_COLORS: Readonly<Record<string, string>> = {
  fatal: "\u001b[1;31m",
  error: "\u001b[31m",
  warn: "\u001b[33m",
  info: "\u001b[32m",
  debug: "\u001b[90m",
  trace: "\u001b[90m",
};
// Safe to print bare in key=value pairs; anything else is JSON-quoted so it stays one token.
const BARE_VALUE = /^[^\s"=\u0000-\u001f]+$/;

/**
 * Formats one parsed record for `openclaw logs`:
 * pretty = `HH:MM:SS level [subsystem] message key=value` (coloured when `color`),
 * plain = full timestamp, no colour; json = the record as one JSON object.
 */
export function formatLogLine(parsed: ParsedLogLine, opts: FormatLogLineOptions): string {
  if (opts.style === "json") return JSON.stringify(parsed);
  if (opts.style === "plain") {
    const time = parsed.time === undefined ? undefined : fullTime(parsed.time, opts.localTime);
    return joinParts([time, levelLabel(parsed.level), subsystemLabel(parsed.subsystem), parsed.message, formatFields(parsed.fields)]);
  }
  return renderText(parsed, true, opts.color, opts.localTime);
}

/**
 * Formats one record for the logger's console: pretty = `HH:MM:SS [subsystem] message key=value`
 * with the level shown by colour, compact = `HH:MM:SS level [subsystem] message key=value`.
 */
export function formatConsoleLine(parsed: ParsedLogLine, style: ConsoleTextStyle, color: boolean): string {
  return style === "pretty" ? renderText(parsed, false, color, true) : renderText(parsed, true, false, true);
}

/** Formats fields as space-separated `key=value` pairs; undefined when there are none. */
export function formatFields(fields: Record<string, unknown> | undefined): string | undefined {
  if (fields === undefined) return undefined;
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) pairs.push(`${key}=${formatValue(value)}`);
  }
  return pairs.length === 0 ? undefined : pairs.join(" ");
}

function renderText(parsed: ParsedLogLine, showLevel: boolean, color: boolean, localTime: boolean): string {
  const levelColor = (parsed.level !== undefined && LEVEL_COLORS[parsed.level]) || "";
  const paint = (code: string, text: string | undefined): string | undefined =>
    color && code !== "" && text !== undefined ? `${code}${text}${RESET}` : text;
  const time = parsed.time === undefined ? undefined : clockTime(parsed.time, localTime);
  // Without a level column the message itself carries the level colour (info stays plain).
  const messageColor = showLevel || parsed.level === "info" ? "" : levelColor;
  return joinParts([
    paint(GRAY, time),
    showLevel ? paint(levelColor, levelLabel(parsed.level)) : undefined,
    paint(CYAN, subsystemLabel(parsed.subsystem)),
    paint(messageColor, parsed.message),
    paint(GRAY, formatFields(parsed.fields)),
  ]);
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return BARE_VALUE.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  // Serialised Errors: the message reads better on a console; the stack stays in the file.
  if (isSerializedError(value)) return JSON.stringify(value.message);
  return JSON.stringify(value) ?? String(value);
}

function isSerializedError(value: unknown): value is { message: string; stack: string } {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.message === "string" && typeof record.stack === "string";
}

function levelLabel(level: string | undefined): string | undefined {
  return level?.padEnd(5);
}

function subsystemLabel(subsystem: string | undefined): string | undefined {
  return subsystem === undefined || subsystem === "" ? undefined : `[${subsystem}]`;
}

function clockTime(iso: string, local: boolean): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = local
    ? [date.getHours(), date.getMinutes(), date.getSeconds()]
    : [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  return parts.map(pad2).join(":");
}

function fullTime(iso: string, local: boolean): string {
  const date = new Date(iso);
  if (!local || Number.isNaN(date.getTime())) return iso;
  const day = `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
  const ms = String(date.getMilliseconds()).padStart(3, "0");
  return `${day} ${clockTime(iso, true)}.${ms}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

function joinParts(parts: (string | undefined)[]): string {
  return parts.filter((part): part is string => part !== undefined && part !== "").join(" ");
}
