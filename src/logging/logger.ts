// The gateway logger: one pino instance fanning records out to the rolling log file and the
// console, each with its own level, behind a small subsystem-logger facade.

import pino from "pino";
import { createConsoleSink, supportsColor, type ConsoleStyle } from "./console-sink.js";
import { metaNameFor, recordBody } from "./file-record.js";
import { toJsonSafe } from "./json-safe.js";
import { LEVEL_VALUES, levelNameFromValue, type LogLevel, type RecordLevel } from "./levels.js";
import { createRollingFile, resolveDefaultLogFile, type RollingFile } from "./rolling-file.js";

export type { LogLevel } from "./levels.js";
export type { ConsoleStyle } from "./console-sink.js";

/** Options of {@link createLogger}; mirrors the `logging.*` config keys. */
export interface LoggerOptions {
  /** Explicit log file (`logging.file`): no daily roll, no pruning. */
  file?: string;
  /** Directory of the daily default file; default `/tmp/openclaw`. */
  dir?: string;
  /** File level; default `info`. */
  level?: LogLevel;
  /** File size cap; default 500 MiB. */
  maxFileBytes?: number;
  /** Log to the console at all; default true. */
  console?: boolean;
  /** Console level; default `info`. `verbose` lowers it to at least `debug`. */
  consoleLevel?: LogLevel;
  /** Console style; default `pretty` on a TTY, else `compact`. */
  consoleStyle?: ConsoleStyle;
  /** `--verbose`: affects the console only. */
  verbose?: boolean;
  /** Console stream; default process.stdout. */
  consoleStream?: NodeJS.WritableStream;
  /** Clock for record times and the daily roll. */
  now?: () => Date;
}

/** A log method: a message plus optional structured fields. */
export type LogMethod = (msg: string, fields?: Record<string, unknown>) => void;

/** A logger bound to one subsystem (e.g. `gateway/ws`). */
export interface SubsystemLogger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  fatal: LogMethod;
  /** A logger for a nested subsystem: `child("ws")` of `gateway` logs as `gateway/ws`. */
  child(subsystem: string): SubsystemLogger;
  /** Whether a record at `level` reaches the file or the console. */
  isLevelEnabled(level: LogLevel): boolean;
}

/** The root logger, which owns the log file. */
export interface GatewayLogger extends SubsystemLogger {
  /** The log file that records are written to now. */
  readonly filePath: string;
  /** Resolves once every record so far is on disk. */
  flush(): Promise<void>;
  /** Flushes and closes the log file; later file records are dropped (console keeps working). */
  close(): Promise<void>;
}

const noop: LogMethod = () => {};

/** Creates the logger, opening (and creating the directory of) the log file unless its level is silent. */
export function createLogger(opts: LoggerOptions = {}): GatewayLogger {
  const fileLevel = opts.level ?? "info";
  const consoleLevel = resolveConsoleLevel(opts);
  const injected = opts.now;
  const isoNow = injected === undefined ? cachedIsoClock() : () => injected().toISOString();
  const streams: pino.StreamEntry[] = [];
  let file: RollingFile | undefined;
  if (fileLevel !== "silent") {
    file = createRollingFile({ file: opts.file, dir: opts.dir, maxFileBytes: opts.maxFileBytes, now: opts.now });
    streams.push({ level: fileLevel, stream: file });
  }
  if (opts.console !== false && consoleLevel !== "silent") {
    const stream = opts.consoleStream ?? process.stdout;
    const isTty = (stream as { isTTY?: boolean }).isTTY === true;
    const style = opts.consoleStyle ?? (isTty ? "pretty" : "compact");
    streams.push({ level: consoleLevel, stream: createConsoleSink(stream, style, supportsColor(stream)) });
  }
  // Records below every sink's level are never built: their methods are no-ops.
  const minValue = Math.min(...streams.map((entry) => LEVEL_VALUES[entry.level as RecordLevel]));
  const root = pino(
    { level: Number.isFinite(minValue) ? levelNameFromValue(minValue) : "silent", base: null, timestamp: false },
    pino.multistream(streams),
  );

  const isLevelEnabled = (level: LogLevel): boolean => level !== "silent" && LEVEL_VALUES[level] >= minValue;

  const bind = (engine: pino.Logger, subsystem: string | undefined): SubsystemLogger => {
    const metaName = metaNameFor(subsystem);
    const method = (level: RecordLevel): LogMethod => {
      if (!isLevelEnabled(level)) return noop;
      return (msg, fields) => {
        const safe = fields === undefined ? undefined : toJsonSafe(fields);
        engine[level](recordBody(level, msg, safe, isoNow(), metaName), msg);
      };
    };
    return {
      trace: method("trace"),
      debug: method("debug"),
      info: method("info"),
      warn: method("warn"),
      error: method("error"),
      fatal: method("fatal"),
      child(name: string): SubsystemLogger {
        const nested = subsystem === undefined ? name : `${subsystem}/${name}`;
        // Children always derive from the root pino: nesting pino children would repeat the key.
        return bind(root.child({ subsystem: nested }), nested);
      },
      isLevelEnabled,
    };
  };

  return {
    ...bind(root, undefined),
    get filePath(): string {
      return file?.path ?? opts.file ?? resolveDefaultLogFile(opts.dir, injected?.() ?? new Date());
    },
    flush: async () => {
      await file?.flush();
    },
    close: async () => {
      await file?.close();
    },
  };
}

// Formatting a date is a large share of a record's cost; bursts share one string per millisecond.
function cachedIsoClock(): () => string {
  let lastMs = Number.NaN;
  let lastIso = "";
  return () => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
}

/** The console level after `verbose`: at least `debug`, never less verbose than configured. */
export function resolveConsoleLevel(opts: Pick<LoggerOptions, "consoleLevel" | "verbose">): LogLevel {
  const configured = opts.consoleLevel ?? "info";
  if (opts.verbose !== true) return configured;
  return LEVEL_VALUES[configured] > LEVEL_VALUES.debug ? "debug" : configured;
}
