// One writer per transcript file, with group commit: appends that arrive while a write+fsync is
// in flight are batched into the next single write+fsync, and each append resolves only once
// its bytes are durable. Ids and parentIds are assigned when a batch is written, so a failed
// batch never leaves later entries pointing at entries that are not on disk.
import { randomFillSync } from "node:crypto";
import { fstatSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { parseLines, readLastEntryId, type ParsedLine } from "./transcript-read.js";
import type { CompactionEntry, MessageEntry, SessionStoreStats, TranscriptEntry } from "./types.js";

/** An entry before the writer stamps it with id, parentId and timestamp. */
export type UnstampedEntry =
  | Omit<MessageEntry, "id" | "parentId" | "timestamp">
  | Omit<CompactionEntry, "id" | "parentId" | "timestamp">;

export interface WriterDeps {
  now: () => number;
  /** The header line (with its newline) for a file that is empty or missing. */
  header: () => string;
  stats: SessionStoreStats;
  /** Called whenever the writer becomes idle, so the owner can close it if over its bound. */
  onIdle: (writer: TranscriptWriter) => void;
}

interface Pending {
  items: UnstampedEntry[];
  onWritten?: (entries: TranscriptEntry[]) => void;
  resolve: (entries: TranscriptEntry[]) => void;
  reject: (error: unknown) => void;
}

/** Transcripts up to this many UTF-16 units keep a copy of their text for history reads. */
export const MAX_KNOWN_TEXT = 256 * 1024;

export class TranscriptWriter {
  private handle: FileHandle | null = null;
  // "\n" after a torn last line, the header for an empty file; written before the next batch.
  private prefix = "";
  /** The file size after our last write; a different size means someone else wrote. */
  private expectedSize = 0;
  private lastId: string | null = null;
  // The whole file's text as of our last batch, when we know it (we wrote or read all of it and
  // nobody else has written since): history reads then need no I/O. Null when unknown.
  private known: string | null = null;
  // `known` parsed, once asked for, then kept up to date line by line: a run's history read
  // parses only what was appended since the last one. With the number of lines `known` holds.
  private knownLines: ParsedLine[] | null = null;
  private knownLineCount = 0;
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    readonly file: string,
    private readonly deps: WriterDeps,
  ) {}

  /** No append queued or in flight. */
  get idle(): boolean {
    return this.draining === null && this.queue.length === 0;
  }

  get isOpen(): boolean {
    return this.handle !== null;
  }

  /**
   * The file's entry lines as of the last completed batch, if the writer knows the file's text:
   * it is open, no foreign write was seen (same size check as appends) and it is not over
   * MAX_KNOWN_TEXT. The array grows with later appends: read it at once, never change it.
   */
  knownParsed(): ParsedLine[] | null {
    if (!this.handle || this.known === null) return null;
    if (this.knownLines === null) {
      this.knownLines = parseLines(this.known);
      this.knownLineCount = countNewlines(this.known);
    }
    return this.knownLines;
  }

  /** Offers the text of a full read of the file; kept only if it is exactly what we last left. */
  offerText(text: string): void {
    if (!this.handle || !this.idle || text.length > MAX_KNOWN_TEXT) return;
    if (Buffer.byteLength(text, "utf8") === this.expectedSize) this.setKnown(text);
  }

  private setKnown(text: string | null): void {
    this.known = text;
    this.knownLines = null;
  }

  private extendKnown(text: string): void {
    if (this.known === null) return;
    if (this.known.length + text.length > MAX_KNOWN_TEXT) return this.setKnown(null);
    this.known += text;
    if (this.knownLines !== null) {
      // Our batch starts on a fresh line (prefix), so its lines number on from the known ones.
      for (const parsed of parseLines(text, this.knownLineCount + 1)) this.knownLines.push(parsed);
      this.knownLineCount += countNewlines(text);
    }
  }

  /**
   * Appends entries in call order; resolves with them stamped once they are fsynced. `onWritten`
   * gets them as soon as they are in the file (a killed process no longer loses them; a power
   * cut still can until the promise resolves).
   */
  append(items: UnstampedEntry[], onWritten?: (entries: TranscriptEntry[]) => void): Promise<TranscriptEntry[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, onWritten, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves when every queued append has settled. */
  async whenIdle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    await this.whenIdle();
    await this.dropHandle();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let batch: Pending[] = [];
        try {
          // Open first: appends arriving while the file opens join the first batch.
          const handle = await this.openHandle();
          batch = this.queue.splice(0);
          await this.writeBatch(handle, batch);
        } catch (error) {
          if (batch.length === 0) batch = this.queue.splice(0);
          for (const pending of batch) pending.reject(error);
          // The file may now end in a partial line and we no longer know the last id: reopen.
          await this.dropHandle();
        }
      }
    } finally {
      this.draining = null;
      this.deps.onIdle(this);
    }
  }

  private async writeBatch(handle: FileHandle, batch: Pending[]): Promise<void> {
    // Someone else appended behind our back (an editor, another tool): re-read where the file
    // ends so our first line never fuses with a partial line of theirs. One fstat per batch;
    // it and the write below are made on this thread: both are cheap system calls (the write
    // goes to the page cache) and each thread-pool round trip costs more than the call itself.
    const { size } = fstatSync(handle.fd);
    if (size !== this.expectedSize) this.setKnown(null);
    if (size !== this.expectedSize && size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) this.prefix = "\n";
      this.lastId = (await readLastEntryId(handle, size)) ?? this.lastId;
    }
    const timestamp = new Date(this.deps.now()).toISOString();
    let parentId = this.lastId;
    let text = this.prefix;
    const results: TranscriptEntry[][] = [];
    for (const pending of batch) {
      const written: TranscriptEntry[] = [];
      for (const { type, ...rest } of pending.items) {
        const id = newEntryId(parentId);
        const entry = { type, id, parentId, timestamp, ...rest } as TranscriptEntry;
        text += `${JSON.stringify(entry)}\n`;
        written.push(entry);
        parentId = id;
      }
      results.push(written);
    }
    const bytes = Buffer.from(text, "utf8");
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(handle.fd, bytes, offset);
    this.expectedSize = size + bytes.length;
    this.deps.stats.transcriptWrites++;
    this.extendKnown(text);
    this.prefix = "";
    this.lastId = parentId;
    batch.forEach((pending, i) => pending.onWritten?.(results[i]!));
    // The fsync is the slow part (milliseconds on a busy or small disk): never on this thread.
    await handle.datasync();
    this.deps.stats.transcriptFsyncs++;
    batch.forEach((pending, i) => pending.resolve(results[i]!));
  }

  private async openHandle(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    const handle = await open(this.file, "a+", 0o600);
    try {
      const { size } = await handle.stat();
      this.expectedSize = size;
      this.setKnown(size === 0 ? "" : null);
      if (size === 0) {
        this.prefix = this.deps.header();
        this.lastId = null;
      } else {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        // A crash can leave a torn last line; start ours on a fresh line so both stay separate.
        this.prefix = last[0] === 0x0a ? "" : "\n";
        this.lastId = await readLastEntryId(handle, size);
      }
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    this.handle = handle;
    this.deps.stats.transcriptsOpened++;
    this.deps.stats.openTranscripts++;
    return handle;
  }

  private async dropHandle(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    this.handle = null;
    this.setKnown(null);
    this.deps.stats.transcriptsClosed++;
    this.deps.stats.openTranscripts--;
    await handle.close().catch(() => {});
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

// 8 hex chars like pi-agent. Uniqueness is probabilistic (2^32); readers resolve
// firstKeptEntryId to the nearest earlier match, so a rare clash far back does no harm.
function newEntryId(parentId: string | null): string {
  for (;;) {
    const id = idBytes().toString("hex");
    if (id !== parentId) return id;
  }
}

// Random bytes for ids come from a pool refilled 4 KB at a time: one call into the CSPRNG per
// 1,024 ids instead of one per id (a run writes two or more).
const ID_POOL = Buffer.alloc(4096);
let idOffset = ID_POOL.length;

function idBytes(): Buffer {
  if (idOffset + 4 > ID_POOL.length) {
    randomFillSync(ID_POOL);
    idOffset = 0;
  }
  idOffset += 4;
  return ID_POOL.subarray(idOffset - 4, idOffset);
}
