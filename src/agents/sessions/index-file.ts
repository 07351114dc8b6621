// One agent's `sessions.json`: loaded once and cached (it is small), replaced atomically, and
// debounced so a burst of patches costs one write; `persist()` forces a write for changes that
// must be durable before the caller goes on (a new session, a reset, a delete).
import { readFile, rename } from "node:fs/promises";
import path from "node:path";
import { ensurePrivateDir, isNotFound, writeFileAtomic } from "./fs-utils.js";
import type { SessionIndexEntry } from "./types.js";

export interface IndexFileOptions {
  debounceMs: number;
  now: () => number;
  onWrite: () => void;
  /** Background (debounced) write failures and a corrupt file set aside; never thrown. */
  onError: (error: unknown) => void;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEntry(value: unknown): value is SessionIndexEntry {
  return isPlainObject(value) && typeof value.sessionId === "string" && value.sessionId.length > 0;
}

export class IndexFile {
  // Every value as found, valid entries or not, so a rewrite loses nothing we do not understand.
  private readonly raw: Map<string, unknown>;
  private version = 0;
  private written = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | null = null;

  private constructor(
    readonly file: string,
    raw: Map<string, unknown>,
    private readonly opts: IndexFileOptions,
  ) {
    this.raw = raw;
  }

  static async load(file: string, opts: IndexFileOptions): Promise<IndexFile> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if (isNotFound(error)) return new IndexFile(file, new Map(), opts);
      throw error;
    }
    if (text.trim() === "") return new IndexFile(file, new Map(), opts);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isPlainObject(parsed)) return new IndexFile(file, new Map(Object.entries(parsed)), opts);
    // Keep the unreadable file for the operator instead of overwriting it with our next write.
    const aside = `${file}.corrupt-${opts.now()}`;
    await rename(file, aside);
    opts.onError(new Error(`session index ${file} is not a JSON object; moved to ${aside}`));
    return new IndexFile(file, new Map(), opts);
  }

  get(key: string): SessionIndexEntry | undefined {
    const value = this.raw.get(key);
    return isEntry(value) ? value : undefined;
  }

  set(key: string, entry: SessionIndexEntry): void {
    this.raw.set(key, entry);
  }

  delete(key: string): boolean {
    return this.raw.delete(key);
  }

  *entries(): IterableIterator<[string, SessionIndexEntry]> {
    for (const [key, value] of this.raw) if (isEntry(value)) yield [key, value];
  }

  /** Schedules a coalesced write `debounceMs` from the first unsaved change. */
  markDirty(): void {
    this.version++;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.persist().catch(this.opts.onError);
    }, this.opts.debounceMs);
    this.timer.unref();
  }

  /** Resolves once every change made before the call is on disk. */
  async persist(): Promise<void> {
    const target = this.version;
    while (this.written < target) {
      if (this.inflight) {
        // Another caller's write is running; it may not include our change, so look again after.
        await this.inflight.catch(() => {});
        continue;
      }
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.inflight = this.writeOnce();
      try {
        await this.inflight;
      } finally {
        this.inflight = null;
      }
    }
  }

  /** Stops the debounce timer; call `persist()` first to keep pending changes. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async writeOnce(): Promise<void> {
    const version = this.version;
    const text = `${JSON.stringify(Object.fromEntries(this.raw), null, 2)}\n`;
    await ensurePrivateDir(path.dirname(this.file));
    await writeFileAtomic(this.file, text);
    this.opts.onWrite();
    this.written = Math.max(this.written, version);
  }
}
