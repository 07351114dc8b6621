// The one definition of a file log record: our own keys (`level`, `subsystem`, `msg`, `time`)
// plus the tslog-style keys (`"0"`, `"1"`, `_meta`) the reference project's log parser reads.

import { LEVEL_VALUES, type RecordLevel } from "./levels.js";

/** The `_meta` object of a record, as tslog writes it. */
export interface RecordMeta {
  logLevelName: string;
  date: string;
  name?: string;
}

/** The part of a record the logger hands to pino; pino adds `level`, `subsystem` and `msg`. */
export interface RecordBody {
  "0": string;
  "1"?: Record<string, unknown>;
  _meta: RecordMeta;
  time: string;
}

// tslog names a logger with a JSON string; precomputed once per subsystem logger.
/** Builds the `_meta.name` value for a subsystem, or undefined for the root logger. */
export function metaNameFor(subsystem: string | undefined): string | undefined {
  return subsystem === undefined ? undefined : JSON.stringify({ subsystem });
}

/** Builds the pino merge object for one record. `fields` must already be JSON-safe. */
export function recordBody(
  level: RecordLevel,
  message: string,
  fields: Record<string, unknown> | undefined,
  iso: string,
  metaName: string | undefined,
): RecordBody {
  const meta: RecordMeta = { logLevelName: level.toUpperCase(), date: iso };
  if (metaName !== undefined) meta.name = metaName;
  const body: RecordBody = { "0": message, _meta: meta, time: iso };
  if (fields !== undefined) body["1"] = fields;
  return body;
}

/**
 * Renders a complete record line (with trailing newline) without pino, for the few lines the
 * file destination writes on its own behalf.
 */
export function renderRecordLine(level: RecordLevel, subsystem: string, message: string, date: Date): string {
  const body = recordBody(level, message, undefined, date.toISOString(), metaNameFor(subsystem));
  return `${JSON.stringify({ level: LEVEL_VALUES[level], subsystem, ...body, msg: message })}\n`;
}
