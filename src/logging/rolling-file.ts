// The log file destination: a daily-rolling `openclaw-YYYY-MM-DD.log` (or one explicit file)
// written asynchronously through sonic-boom, with a size cap and pruning of old days.

import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { renderRecordLine } from "./file-record.js";

/** Directory of the daily default log file. */
export const DEFAULT_LOG_DIR = "/tmp/openclaw";
/** Size at which the current file stops accepting lines (500 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 500 * 1024 * 1024;

const DAY_MS = 24 * 60 * 60 * 1000;
const DAILY_FILE = /^openclaw-.*\.log$/;
// Bounds memory if the disk stalls; past this sonic-boom drops lines instead of buffering.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
// A file that failed (disk full, permissions) is retried this often rather than per line.
const RETRY_MS = 5_000;
// close() must not hang shutdown on a stuck file system.
const CLOSE_TIMEOUT_MS = 5_000;

/** Options of {@link createRollingFile}. */
export interface RollingFileOptions {
  /** Explicit file: no daily roll and no pruning. */
  file?: string;
  /** Directory of the daily default file; default {@link DEFAULT_LOG_DIR}. */
  dir?: string;
  /** Size cap of one file; default {@link DEFAULT_MAX_FILE_BYTES}. */
  maxFileBytes?: number;
  /** Clock, injectable for roll tests. */
  now?: () => Date;
  /** Receives the first destination error; default prints it to stderr. Later errors are swallowed. */
  onError?: (err: Error) => void;
}

/** A pino destination that writes JSON lines to the current day's log file. */
export interface RollingFile {
  /** Path of the file that lines written now go to. */
  readonly path: string;
  /** Queues one complete line (with its newline); never throws, never blocks. */
  write(line: string): void;
  /** Resolves once every queued line is on disk and pending housekeeping is done. */
  flush(): Promise<void>;
  /** Flushes and closes the file; later writes are dropped. */
  close(): Promise<void>;
}

type Stream = ReturnType<typeof pino.destination>;

interface Sink {
  readonly path: string;
  stream: Stream | undefined;
  bytes: number;
  capped: boolean;
  /** Clock time after which a failed sink may be reopened; 0 while healthy. */
  retryAt: number;
}

/** The daily default log file for `date` (local calendar date). */
export function resolveDefaultLogFile(dir: string = DEFAULT_LOG_DIR, date: Date = new Date()): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return path.join(dir, `openclaw-${y}-${m}-${d}.log`);
}

/** Opens the log file destination (synchronously creating its directory) and prunes old days. */
export function createRollingFile(opts: RollingFileOptions = {}): RollingFile {
  const explicitFile = opts.file === undefined ? undefined : path.resolve(opts.file);
  const dir = explicitFile === undefined ? path.resolve(opts.dir ?? DEFAULT_LOG_DIR) : path.dirname(explicitFile);
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const injected = opts.now;
  const clock = injected === undefined ? Date.now : () => injected().getTime();
  const pending = new Set<Promise<void>>();
  let reported = false;
  let closing: Promise<void> | undefined;

  const report = (err: unknown): void => {
    if (reported) return;
    reported = true;
    const error = err instanceof Error ? err : new Error(String(err));
    if (opts.onError) opts.onError(error);
    else process.stderr.write(`openclaw: log file error (further errors suppressed): ${error.message}\n`);
  };

  const track = (work: Promise<void>): void => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const fail = (sink: Sink, err: unknown): void => {
    if (sink.retryAt === 0) sink.retryAt = clock() + RETRY_MS;
    report(err);
  };

  const openSink = (filePath: string): Sink => {
    const sink: Sink = { path: filePath, stream: undefined, bytes: 0, capped: false, retryAt: 0 };
    try {
      fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
      // Opened synchronously (once a day) so that pino's exit hook can always flush: with a
      // pending async open, a log-then-exit at startup would lose the line and throw.
      const fd = fs.openSync(filePath, "a", 0o600);
      sink.bytes = fs.fstatSync(fd).size;
      // minLength 1 writes each line at once like 0 would, but makes flush(cb) wait for the disk.
      const stream = pino.destination({ dest: fd, sync: false, minLength: 1, maxLength: MAX_BUFFERED_BYTES });
      stream.on("error", (err: Error) => fail(sink, err));
      sink.stream = stream;
    } catch (err) {
      fail(sink, err);
    }
    return sink;
  };

  const startTime = clock();
  let rollAt = explicitFile === undefined ? nextLocalMidnight(startTime) : Infinity;
  let current = openSink(explicitFile ?? resolveDefaultLogFile(dir, new Date(startTime)));
  if (explicitFile === undefined) track(pruneOldFiles(dir, current.path, startTime));

  const roll = (now: number): void => {
    rollAt = nextLocalMidnight(now);
    const nextPath = resolveDefaultLogFile(dir, new Date(now));
    if (nextPath === current.path) return;
    track(endSink(current));
    current = openSink(nextPath);
    track(pruneOldFiles(dir, current.path, now));
  };

  const put = (sink: Sink, data: string): void => {
    const stream = sink.stream;
    if (stream === undefined) return;
    try {
      stream.write(data);
    } catch {
      // sonic-boom throws once destroyed, e.g. after pino's beforeExit hook ended it. That is
      // not a fault worth reporting: reopen on the next line.
      sink.stream = undefined;
      sink.retryAt = 1;
    }
  };

  return {
    get path(): string {
      const now = clock();
      // Between midnight and the day's first line, report the file that line will open.
      return now >= rollAt ? resolveDefaultLogFile(dir, new Date(now)) : current.path;
    },

    write(line: string): void {
      if (closing !== undefined) return;
      const now = clock();
      if (now >= rollAt) roll(now);
      let sink = current;
      if (sink.retryAt !== 0) {
        if (now < sink.retryAt) return;
        track(endSink(sink));
        sink = current = openSink(sink.path);
      }
      if (sink.capped) return;
      const size = Buffer.byteLength(line);
      if (sink.bytes + size > maxFileBytes) {
        sink.capped = true;
        const message = `log file size cap reached (${maxFileBytes} bytes); suppressing further file logs`;
        put(sink, renderRecordLine("warn", "logging", message, new Date(now)));
        return;
      }
      sink.bytes += size;
      put(sink, line);
    },

    async flush(): Promise<void> {
      await Promise.all([...pending]);
      const stream = current.stream;
      if (stream === undefined || current.retryAt !== 0) return;
      await new Promise<void>((resolve) => {
        try {
          stream.flush(() => resolve());
        } catch {
          resolve();
        }
      });
    },

    close(): Promise<void> {
      closing ??= (async () => {
        await Promise.all([...pending]);
        await endSink(current);
      })();
      return closing;
    },
  };
}

// Ends a sink's stream after its queued lines are written; failed streams are just dropped.
function endSink(sink: Sink): Promise<void> {
  const stream = sink.stream;
  sink.stream = undefined;
  if (stream === undefined) return Promise.resolve();
  if (sink.retryAt !== 0) {
    // A failed stream would retry its stuck write forever if ended; destroy() just releases the fd.
    stream.on("error", () => {});
    try {
      stream.destroy();
    } catch {
      // already destroyed
    }
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    stream.once("close", done);
    stream.once("error", done);
    try {
      stream.end();
    } catch {
      done();
    }
  });
}

async function pruneOldFiles(dir: string, keep: string, now: number): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  const candidates = names.filter((name) => DAILY_FILE.test(name) && path.join(dir, name) !== keep);
  await Promise.all(
    candidates.map(async (name) => {
      const full = path.join(dir, name);
      try {
        const stat = await fs.promises.stat(full);
        if (stat.isFile() && now - stat.mtimeMs > DAY_MS) await fs.promises.unlink(full);
      } catch {
        // Another process pruned it first, or it is not ours to remove.
      }
    }),
  );
}

// Built from calendar parts so DST days (23 or 25 hours) still roll at local midnight.
function nextLocalMidnight(now: number): number {
  const date = new Date(now);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}
