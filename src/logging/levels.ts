// Log level names and their pino numeric values, shared by the logger, the file
// destination and the log-line parser so the three never disagree.

/** A log level name; `silent` disables a sink entirely. */
export type LogLevel = "silent" | "fatal" | "error" | "warn" | "info" | "debug" | "trace";

/** A level that a record can carry (every level except `silent`). */
export type RecordLevel = Exclude<LogLevel, "silent">;

/** pino's numeric level for each name; `silent` is above everything. */
export const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/** Record levels from most to least verbose. */
export const RECORD_LEVELS: readonly RecordLevel[] = ["trace", "debug", "info", "warn", "error", "fatal"];

/** Maps a numeric level (pino) back to its name; unknown numbers map to the nearest lower level. */
export function levelNameFromValue(value: number): RecordLevel {
  let name: RecordLevel = "trace";
  for (const candidate of RECORD_LEVELS) {
    if (value >= LEVEL_VALUES[candidate]) name = candidate;
  }
  return name;
}

/** Narrows an arbitrary string to a record level, case-insensitively. */
export function toRecordLevel(value: string): RecordLevel | undefined {
  const lower = value.toLowerCase();
  return (RECORD_LEVELS as readonly string[]).includes(lower) ? (lower as RecordLevel) : undefined;
}
