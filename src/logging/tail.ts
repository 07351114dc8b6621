// Reads the end of a log file, or the lines after a cursor, with bounded positioned reads:
// the engine behind the `logs.tail` RPC and `openclaw logs`.

import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";

export { parseLogLine, type ParsedLogLine } from "./parse-log-line.js";
export { formatLogLine, type FormatLogLineOptions, type LogLineStyle } from "./format-log-line.js";

/** Options of {@link tailLogFile}; bounds match the `logs.tail` params. */
export interface TailLogFileOptions {
  file: string;
  /** Byte offset from a previous result; omitted = read the end of the file. */
  cursor?: number;
  /** Most lines to return, 1..5000; default 500. */
  limit?: number;
  /** Most bytes to read, 1..1_000_000; default 250_000. */
  maxBytes?: number;
}

/** Result of {@link tailLogFile}, the `logs.tail` payload. */
export interface TailLogFileResult {
  file: string;
  /** Where the next call should continue: always the start of a line. */
  cursor: number;
  size: number;
  /** Complete raw lines (JSON strings), oldest first, without their newlines. */
  lines: string[];
  /** Lines were skipped: older lines before the window, or a line longer than maxBytes. */
  truncated?: boolean;
  /** The cursor was past the end (file rotated or truncated), so reading restarted at 0. */
  reset?: boolean;
}

const NEWLINE = 0x0a;
const SCAN_CHUNK_BYTES = 64 * 1024;

/**
 * Without a cursor, returns the last `limit` complete lines within the last `maxBytes` bytes.
 * With a cursor, returns the complete lines after it (at most `limit` lines and `maxBytes` bytes)
 * and advances the cursor past exactly those lines; a trailing line without its newline waits
 * for the next call. A missing file reads as empty; other read errors are thrown.
 */
export async function tailLogFile(opts: TailLogFileOptions): Promise<TailLogFileResult> {
  const limit = clampInt(opts.limit, 1, 5000, 500);
  const maxBytes = clampInt(opts.maxBytes, 1, 1_000_000, 250_000);
  let handle: FileHandle;
  try {
    handle = await fs.promises.open(opts.file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { file: opts.file, cursor: 0, size: 0, lines: [] };
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (opts.cursor === undefined) return { file: opts.file, size, ...(await readEnd(handle, size, limit, maxBytes)) };
    const cursor = Math.max(0, Math.floor(opts.cursor));
    if (cursor > size) {
      return { file: opts.file, size, ...(await readForward(handle, 0, size, limit, maxBytes)), reset: true };
    }
    return { file: opts.file, size, ...(await readForward(handle, cursor, size, limit, maxBytes)) };
  } finally {
    await handle.close();
  }
}

type Window = Pick<TailLogFileResult, "cursor" | "lines" | "truncated">;

async function readEnd(handle: FileHandle, size: number, limit: number, maxBytes: number): Promise<Window> {
  const start = Math.max(0, size - maxBytes);
  // One byte of look-behind tells whether the window begins exactly on a line boundary.
  const from = start > 0 ? start - 1 : 0;
  const buf = await readRange(handle, from, size - from);
  const lastNewline = buf.lastIndexOf(NEWLINE);
  if (lastNewline === -1) {
    // The whole window lies in one unfinished last line: point the cursor at its start.
    if (start === 0) return { cursor: 0, lines: [] };
    return { cursor: await scanBackward(handle, from), lines: [], truncated: true };
  }
  // A window that starts mid-line drops that fragment.
  const firstLine = start > 0 ? buf.indexOf(NEWLINE) + 1 : 0;
  const lines: string[] = [];
  let end = lastNewline;
  // Walk back from the newest line so only the kept lines are decoded.
  while (end >= firstLine && lines.length < limit) {
    const lineStart = end === 0 ? 0 : buf.lastIndexOf(NEWLINE, end - 1) + 1;
    if (lineStart < firstLine) break;
    pushLine(lines, buf, lineStart, end);
    end = lineStart - 1;
  }
  lines.reverse();
  const window: Window = { cursor: from + lastNewline + 1, lines };
  if (start > 0 || end >= firstLine) window.truncated = true;
  return window;
}

async function readForward(
  handle: FileHandle,
  cursor: number,
  size: number,
  limit: number,
  maxBytes: number,
): Promise<Window> {
  const end = Math.min(size, cursor + maxBytes);
  if (end <= cursor) return { cursor, lines: [] };
  const buf = await readRange(handle, cursor, end - cursor);
  if (buf.lastIndexOf(NEWLINE) === -1) {
    if (end < size) {
      // One line longer than maxBytes would stall every later call: skip past it.
      const newline = await scanForward(handle, end, size);
      if (newline !== -1) return { cursor: newline + 1, lines: [], truncated: true };
    }
    return { cursor, lines: [] };
  }
  const lines: string[] = [];
  let consumed = 0;
  while (lines.length < limit) {
    const newline = buf.indexOf(NEWLINE, consumed);
    if (newline === -1) break;
    pushLine(lines, buf, consumed, newline);
    consumed = newline + 1;
  }
  return { cursor: cursor + consumed, lines };
}

// Blank lines carry nothing and are skipped; a CR before the newline is not part of the line.
function pushLine(lines: string[], buf: Buffer, start: number, newline: number): void {
  const end = newline > start && buf[newline - 1] === 0x0d ? newline - 1 : newline;
  if (end > start) lines.push(buf.toString("utf8", start, end));
}

async function readRange(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buf, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled < length ? buf.subarray(0, filled) : buf;
}

/** Offset of the first newline in [from, to), or -1. */
async function scanForward(handle: FileHandle, from: number, to: number): Promise<number> {
  for (let pos = from; pos < to; pos += SCAN_CHUNK_BYTES) {
    const chunk = await readRange(handle, pos, Math.min(SCAN_CHUNK_BYTES, to - pos));
    const index = chunk.indexOf(NEWLINE);
    if (index !== -1) return pos + index;
    if (chunk.length === 0) break;
  }
  return -1;
}

/** Start of the line containing offset `before` (just past the previous newline), or 0. */
async function scanBackward(handle: FileHandle, before: number): Promise<number> {
  for (let end = before; end > 0; end -= SCAN_CHUNK_BYTES) {
    const start = Math.max(0, end - SCAN_CHUNK_BYTES);
    const chunk = await readRange(handle, start, end - start);
    const index = chunk.lastIndexOf(NEWLINE);
    if (index !== -1) return start + index + 1;
  }
  return 0;
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
