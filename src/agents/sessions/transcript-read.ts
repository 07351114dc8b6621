// Reading transcripts: tolerant line parsing (torn, unparseable and unknown lines are skipped),
// the active branch of the parentId tree, the replay window after the latest compaction, and a
// backwards tail scan that finds the last entry id without reading the whole file.
import type { FileHandle } from "node:fs/promises";
import type { CompactionEntry, MessageEntry, SessionHistory, TranscriptEntry, TranscriptMessage } from "./types.js";

const TAIL_CHUNK = 64 * 1024;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseLine(line: string): Json | undefined {
  if (line.trim() === "") return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// Light repairs only: a string where pi-agent writes a part array is wrapped, other shapes pass.
function normalizeMessage(value: unknown): TranscriptMessage | undefined {
  if (!isObject(value)) return undefined;
  const { role, content } = value;
  if (role !== "user" && role !== "assistant" && role !== "toolResult") return undefined;
  const parts = typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
  const fixed = role === "user" && typeof content === "string" ? content : parts.filter(isObject);
  const timestamp = typeof value.timestamp === "number" ? value.timestamp : 0;
  return { ...value, content: fixed, timestamp } as TranscriptMessage;
}

// A known entry from one parsed line (ids already settled), or undefined for anything else.
function toEntry(obj: Json): TranscriptEntry | undefined {
  const timestamp = typeof obj.timestamp === "string" ? obj.timestamp : "";
  const parentId = typeof obj.parentId === "string" ? obj.parentId : null;
  if (obj.type === "message") {
    const message = normalizeMessage(obj.message);
    return message ? ({ ...obj, parentId, timestamp, message } as MessageEntry) : undefined;
  }
  if (obj.type === "compaction" && typeof obj.summary === "string") {
    const firstKeptEntryId = typeof obj.firstKeptEntryId === "string" ? obj.firstKeptEntryId : "";
    const tokensBefore = typeof obj.tokensBefore === "number" ? obj.tokensBefore : 0;
    return { ...obj, parentId, timestamp, firstKeptEntryId, tokensBefore } as CompactionEntry;
  }
  return undefined;
}

// The leaf is the last entry; its parentId chain back to the root is the conversation. Files
// with id-less entries (old writers) or a broken chain (a lost middle line) use file order, in
// which id-less entries get `line-<n>` ids and the previous entry as parent.
function activeBranch(lines: ParsedLine[]): Json[] {
  const fileOrder = (): Json[] => {
    let parentId: string | null = null;
    return lines.map(({ obj, line }) => {
      const id = typeof obj.id === "string" ? obj.id : `line-${line}`;
      const fixed = typeof obj.id === "string" && obj.parentId !== undefined ? obj : { ...obj, id, parentId };
      parentId = id;
      return fixed;
    });
  };
  if (lines.length === 0 || !lines.every((l) => typeof l.obj.id === "string")) return fileOrder();
  const byId = new Map<string, Json>();
  for (const { obj } of lines) byId.set(obj.id as string, obj);
  const path: Json[] = [];
  const seen = new Set<string>();
  let current: Json | undefined = lines[lines.length - 1]!.obj;
  while (current) {
    const id = current.id as string;
    if (seen.has(id)) break;
    seen.add(id);
    path.push(current);
    const parent = current.parentId;
    if (parent === null || parent === undefined) return path.reverse();
    if (typeof parent !== "string") break;
    current = byId.get(parent);
  }
  return fileOrder();
}

/** A parsed entry line of a transcript, by 1-based line number; treated as read-only. */
export interface ParsedLine {
  obj: Json;
  line: number;
}

/** The entry lines of a piece of transcript text whose first line is `firstLine`. */
export function parseLines(text: string, firstLine = 1): ParsedLine[] {
  const lines: ParsedLine[] = [];
  text.split("\n").forEach((raw, i) => {
    const obj = parseLine(raw);
    if (obj && obj.type !== "session" && typeof obj.type === "string") lines.push({ obj, line: firstLine + i });
  });
  return lines;
}

/** The known entries of a transcript's text along its active branch, in order. */
export function parseTranscript(text: string): TranscriptEntry[] {
  return entriesOf(parseLines(text));
}

/** The known entries along the active branch of already parsed lines (which stay unchanged). */
export function entriesOf(lines: ParsedLine[]): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  for (const obj of activeBranch(lines)) {
    const entry = toEntry(obj);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * The latest compaction's summary and the messages to replay: those from its firstKeptEntryId
 * up to the compaction, then everything after it. Without a compaction, every message.
 */
export function selectHistory(entries: TranscriptEntry[]): SessionHistory {
  let cut = -1;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i]!.type === "compaction") {
      cut = i;
      break;
    }
  }
  const messagesOf = (list: TranscriptEntry[]): TranscriptMessage[] =>
    list.flatMap((e) => (e.type === "message" ? [e.message] : []));
  if (cut < 0) return { messages: messagesOf(entries) };
  const compaction = entries[cut] as CompactionEntry;
  let start = cut + 1;
  for (let i = cut - 1; i >= 0; i--) {
    if (entries[i]!.id === compaction.firstKeptEntryId) {
      start = i;
      break;
    }
  }
  const kept = [...entries.slice(start, cut), ...entries.slice(cut + 1)];
  return { summary: compaction.summary, messages: messagesOf(kept) };
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

/**
 * The id of the last parseable entry of a file of `size` bytes, reading backwards in chunks:
 * null when that entry is the header or has no id (an old writer's), or the file has no entries.
 * A torn last line is skipped.
 */
export async function readLastEntryId(handle: FileHandle, size: number): Promise<string | null> {
  let position = size;
  let carry = Buffer.alloc(0);
  while (position > 0) {
    const length = Math.min(TAIL_CHUNK, position);
    position -= length;
    carry = Buffer.concat([await readAt(handle, position, length), carry]);
    let end = carry.length;
    while (end > 0) {
      const nl = carry.lastIndexOf(0x0a, end - 1);
      // The first line in the buffer may continue in the previous chunk unless we are at 0.
      if (nl < 0 && position > 0) break;
      const obj = parseLine(carry.subarray(nl + 1, end).toString("utf8"));
      if (obj) return obj.type !== "session" && typeof obj.id === "string" ? obj.id : null;
      end = nl < 0 ? 0 : nl;
    }
    carry = carry.subarray(0, end);
  }
  return null;
}
