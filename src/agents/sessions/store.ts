// The session store: the reference's on-disk layout, `<stateDir>/agents/<agentId>/sessions/`
// holding `sessions.json` (the index) and one `<sessionId>.jsonl` transcript per session.
// One instance per gateway; all state lives on the instance.
import { randomUUID } from "node:crypto";
import { readdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { createFileOnce, ensurePrivateDir, isNotFound } from "./fs-utils.js";
import { IndexFile } from "./index-file.js";
import { isValidAgentId, isValidSessionId, isValidSessionKey } from "./keys.js";
import { fileStamp, headerLine, sessionsDir, transcriptFile } from "./layout.js";
import { entriesOf, parseTranscript, selectHistory } from "./transcript-read.js";
import type { UnstampedEntry } from "./transcript-writer.js";
import { WriterPool } from "./writer-pool.js";
import type {
  CompactionEntry,
  MessageEntry,
  SessionHistory,
  SessionIndexEntry,
  SessionPatch,
  SessionRow,
  SessionStoreStats,
  TranscriptEntry,
  TranscriptMessage,
  WriteScope,
} from "./types.js";

export type * from "./types.js";

export interface SessionStoreOptions {
  stateDir: string;
  now?: () => number;
  /**
   * Delay that coalesces index writes (default 1 s). Only routine bumps wait for it (updatedAt,
   * usage after a run): new sessions, resets and deletes are written before they return, and the
   * transcripts, which hold the conversation, are fsynced per append. Each index write replaces
   * the whole file (write, fsync, rename, directory fsync), so at 50 ms it cost one such write per
   * run at the benchmarks' rates.
   */
  indexDebounceMs?: number;
  /** Transcript files kept open for appends, least recently used closed first (default 64). */
  maxOpenTranscripts?: number;
  /** `cwd` recorded in a new transcript's header (default: the process cwd). */
  workspaceDir?: (agentId: string) => string;
  /** Failed background index writes and corrupt index files set aside (default: ignored). */
  onError?: (error: unknown) => void;
}

// Run state and usage that belong to the old conversation, not to the key.
const DROPPED_ON_RESET = [
  "sessionFile", "inputTokens", "outputTokens", "totalTokens", "cacheRead", "cacheWrite",
  "status", "abortedLastRun", "compactionCount", "systemSent", "startedAt", "endedAt", "runtimeMs",
];

// Coordinates added to rows; a row passed back as `init` or a patch must not store them.
const ROW_ONLY = new Set(["key", "agentId"]);

export class SessionStore {
  readonly stateDir: string;
  private readonly now: () => number;
  private readonly debounceMs: number;
  private readonly workspaceDir: (agentId: string) => string;
  private readonly onError: (error: unknown) => void;
  private readonly indexes = new Map<string, Promise<IndexFile>>();
  // Sessions being created or reset, by `<agentId>\0<key>`; others wait until it is durable.
  private readonly creating = new Map<string, Promise<void>>();
  private readonly writers: WriterPool;
  private readonly counters: SessionStoreStats = {
    transcriptWrites: 0, transcriptFsyncs: 0, transcriptsOpened: 0, transcriptsClosed: 0, openTranscripts: 0, indexWrites: 0,
  };
  private closed = false;

  constructor(opts: SessionStoreOptions) {
    this.stateDir = path.resolve(opts.stateDir);
    this.now = opts.now ?? Date.now;
    this.debounceMs = opts.indexDebounceMs ?? 1000;
    this.workspaceDir = opts.workspaceDir ?? (() => process.cwd());
    this.onError = opts.onError ?? (() => {});
    this.writers = new WriterPool({ max: Math.max(1, opts.maxOpenTranscripts ?? 64), now: this.now, stats: this.counters });
  }

  /** Counters for tests and benchmarks (a copy). */
  get stats(): SessionStoreStats {
    return { ...this.counters };
  }

  sessionsDir(agentId: string): string {
    return sessionsDir(this.stateDir, agentId);
  }

  transcriptPath(agentId: string, entry: SessionIndexEntry): string {
    return transcriptFile(this.sessionsDir(agentId), entry);
  }

  /** The entry for `sessionKey`, created (index entry and transcript, durably) if missing. */
  async resolve(agentId: string, sessionKey: string, init?: Partial<SessionIndexEntry>): Promise<SessionRow> {
    const index = await this.index(agentId, sessionKey);
    const ck = `${agentId}\0${sessionKey}`;
    for (;;) {
      const pending = this.creating.get(ck);
      if (pending) {
        await pending.catch(() => {});
        continue;
      }
      const existing = index.get(sessionKey);
      if (existing) return { ...existing, key: sessionKey, agentId };
      break;
    }
    const now = this.now();
    const entry: SessionIndexEntry = { sessionId: randomUUID(), updatedAt: now, createdAt: now };
    for (const [field, value] of Object.entries(init ?? {})) {
      if (value !== undefined && value !== null && !ROW_ONLY.has(field)) entry[field] = value;
    }
    if (!isValidSessionId(entry.sessionId)) throw new Error(`unsafe session id: ${JSON.stringify(entry.sessionId)}`);
    await this.install(agentId, sessionKey, index, entry);
    return { ...entry, key: sessionKey, agentId };
  }

  async get(agentId: string, sessionKey: string): Promise<SessionRow | undefined> {
    const entry = (await this.index(agentId, sessionKey)).get(sessionKey);
    return entry ? { ...entry, key: sessionKey, agentId } : undefined;
  }

  /** Rows sorted by updatedAt, newest first; all agents under `<stateDir>/agents/` when omitted. */
  async list(agentId?: string): Promise<SessionRow[]> {
    const agents = agentId === undefined ? await this.agentIds() : [agentId];
    const rows: SessionRow[] = [];
    for (const id of agents) {
      for (const [key, entry] of (await this.index(id)).entries()) rows.push({ ...entry, key, agentId: id });
    }
    return rows.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
  }

  /** Merges `fields` (null deletes), creating the session if missing; bumps updatedAt. */
  async patch(agentId: string, sessionKey: string, fields: SessionPatch, scope: WriteScope = {}): Promise<SessionRow> {
    const index = await this.index(agentId, sessionKey);
    let entry: SessionIndexEntry | undefined;
    while (!(entry = this.writable(index, agentId, sessionKey, scope))) await this.resolve(agentId, sessionKey);
    if ("sessionId" in fields && fields.sessionId !== entry.sessionId) throw new Error("sessionId cannot be patched; use reset()");
    const next: SessionIndexEntry = { ...entry };
    for (const [field, value] of Object.entries(fields)) {
      if (ROW_ONLY.has(field)) continue;
      if (value === null) delete next[field];
      else if (value !== undefined) next[field] = value;
    }
    if (fields.updatedAt === undefined || fields.updatedAt === null) next.updatedAt = Math.max(entry.updatedAt ?? 0, this.now());
    index.set(sessionKey, next);
    index.markDirty();
    return { ...next, key: sessionKey, agentId };
  }

  /** Starts a new conversation under the key; the old transcript stays as `<old>.jsonl.reset.<ts>`. */
  async reset(agentId: string, sessionKey: string): Promise<SessionRow> {
    const index = await this.index(agentId, sessionKey);
    let old: SessionIndexEntry | undefined;
    while (!(old = this.live(index, agentId, sessionKey))) await this.resolve(agentId, sessionKey);
    const now = this.now();
    const next: SessionIndexEntry = { ...old, sessionId: randomUUID(), createdAt: now, updatedAt: now };
    for (const field of DROPPED_ON_RESET) delete next[field];
    const oldFile = this.transcriptPath(agentId, old);
    await this.install(agentId, sessionKey, index, next, oldFile);
    await rename(oldFile, `${oldFile}.reset.${fileStamp(now)}`).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    return { ...next, key: sessionKey, agentId };
  }

  /** Removes the entry (durably); the transcript is unlinked only when asked. */
  async delete(agentId: string, sessionKey: string, opts: { deleteTranscript?: boolean } = {}): Promise<boolean> {
    const index = await this.index(agentId, sessionKey);
    const ck = `${agentId}\0${sessionKey}`;
    while (this.creating.has(ck)) await this.creating.get(ck)?.catch(() => {});
    const entry = index.get(sessionKey);
    if (!entry) return false;
    const file = this.transcriptPath(agentId, entry);
    index.delete(sessionKey);
    index.markDirty();
    await this.writers.release(file);
    await index.persist();
    if (opts.deleteTranscript) await unlink(file).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    return true;
  }

  /** Appends messages (creating the session if missing); resolves once they are fsynced. */
  async append(agentId: string, sessionKey: string, messages: TranscriptMessage[], scope: WriteScope = {}): Promise<MessageEntry[]> {
    if (messages.length === 0) return [];
    return (await this.write(agentId, sessionKey, this.messageItems(messages), scope)) as MessageEntry[];
  }

  private messageItems(messages: TranscriptMessage[]): UnstampedEntry[] {
    return messages.map((message): UnstampedEntry => ({
      type: "message",
      message: typeof message.timestamp === "number" ? message : { ...message, timestamp: this.now() },
    }));
  }

  /**
   * Like `append`, but resolves as soon as the messages are in the file (a killed gateway no
   * longer loses them), with `durable` settling once they are fsynced. Later appends to the same
   * transcript are written after them and synced after them, so nothing later is durable first.
   */
  async appendWritten(
    agentId: string,
    sessionKey: string,
    messages: TranscriptMessage[],
    scope: WriteScope = {},
  ): Promise<{ entries: MessageEntry[]; durable: Promise<MessageEntry[]> }> {
    let onWritten!: (entries: TranscriptEntry[]) => void;
    const written = new Promise<TranscriptEntry[]>((resolve) => (onWritten = resolve));
    const durable = this.write(agentId, sessionKey, this.messageItems(messages), scope, onWritten) as Promise<MessageEntry[]>;
    // A failure before the write rejects `durable` and never calls onWritten.
    const entries = (await Promise.race([written, durable])) as MessageEntry[];
    return { entries, durable };
  }

  async appendCompaction(
    agentId: string,
    sessionKey: string,
    compaction: { summary: string; firstKeptEntryId: string; tokensBefore: number },
  ): Promise<CompactionEntry> {
    const [entry] = await this.write(agentId, sessionKey, [{ type: "compaction", ...compaction }], {});
    return entry as CompactionEntry;
  }

  /** The transcript's known entries in order; with `limit`, only the last `limit` messages. */
  async readTranscript(agentId: string, sessionKey: string, opts: { limit?: number } = {}): Promise<TranscriptEntry[]> {
    const file = await this.transcriptFileOf(agentId, sessionKey);
    const entries = parseTranscript(file ? await readTextIfAny(file) : "");
    if (opts.limit === undefined) return entries;
    const messages = entries.filter((e) => e.type === "message");
    return opts.limit > 0 ? messages.slice(-opts.limit) : [];
  }

  /**
   * What the run engine replays: messages kept after the latest compaction, with its summary.
   * Served from the open writer's copy of the file when it has one (the run has just appended
   * its user turn through it, and its size check saw no foreign write), else read from disk.
   */
  async history(agentId: string, sessionKey: string): Promise<SessionHistory> {
    const file = await this.transcriptFileOf(agentId, sessionKey);
    if (!file) return selectHistory([]);
    const writer = this.writers.peek(file);
    // The writer's parsed copy: only lines appended since the last read are parsed again.
    const parsed = writer?.knownParsed();
    if (parsed) return selectHistory(entriesOf(parsed));
    const text = await readTextIfAny(file);
    writer?.offerText(text);
    return selectHistory(parseTranscript(text));
  }


  /** Writes pending index changes and waits for queued transcript appends. */
  async flush(): Promise<void> {
    await this.writers.whenIdle();
    for (const loading of [...this.indexes.values()]) {
      const index = await loading.catch(() => undefined);
      await index?.persist();
    }
  }

  /** Flushes, closes every transcript and stops timers; later calls throw. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    await this.writers.closeAll();
    for (const loading of this.indexes.values()) (await loading.catch(() => undefined))?.close();
  }

  private async index(agentId: string, sessionKey?: string): Promise<IndexFile> {
    if (this.closed) throw new Error("session store is closed");
    if (sessionKey !== undefined && !isValidSessionKey(sessionKey)) throw new Error(`invalid session key: ${JSON.stringify(sessionKey)}`);
    const file = path.join(this.sessionsDir(agentId), "sessions.json");
    let loading = this.indexes.get(agentId);
    if (!loading) {
      loading = IndexFile.load(file, {
        debounceMs: this.debounceMs,
        now: this.now,
        onWrite: () => void this.counters.indexWrites++,
        onError: this.onError,
      });
      this.indexes.set(agentId, loading);
      // A failed load (permissions, I/O) is retried by the next call instead of cached.
      loading.catch(() => this.indexes.get(agentId) === loading && this.indexes.delete(agentId));
    }
    return loading;
  }

  // The entry unless a create or reset is in flight for the key. Callers loop on it and act
  // without awaiting in between, so no reset or delete can slip between check and use.
  private live(index: IndexFile, agentId: string, sessionKey: string): SessionIndexEntry | undefined {
    return this.creating.has(`${agentId}\0${sessionKey}`) ? undefined : index.get(sessionKey);
  }

  // `live`, for a write: undefined means resolve (create, or wait for a create or reset) and look
  // again. Scoped to a conversation, only that one: a run's last writes never land in the
  // conversation a reset or delete left in its place.
  private writable(index: IndexFile, agentId: string, sessionKey: string, scope: WriteScope): SessionIndexEntry | undefined {
    const entry = this.live(index, agentId, sessionKey);
    if (scope.sessionId === undefined || entry?.sessionId === scope.sessionId) return entry;
    if (entry || !this.creating.has(`${agentId}\0${sessionKey}`)) {
      throw new Error(`session ${sessionKey} no longer holds conversation ${scope.sessionId} (reset or deleted)`);
    }
    return undefined;
  }

  // Publishes `entry` at once (so later callers see it) and makes it durable (index first, then
  // the transcript header) before anyone may append; `oldFile`'s writer is drained and closed.
  private async install(agentId: string, key: string, index: IndexFile, entry: SessionIndexEntry, oldFile?: string): Promise<void> {
    const ck = `${agentId}\0${key}`;
    const previous = index.get(key);
    index.set(key, entry);
    index.markDirty();
    const work = (async () => {
      if (oldFile) await this.writers.release(oldFile);
      await ensurePrivateDir(this.sessionsDir(agentId));
      await index.persist();
      await createFileOnce(this.transcriptPath(agentId, entry), this.header(agentId, entry.sessionId));
    })();
    this.creating.set(ck, work);
    try {
      await work;
    } catch (error) {
      if (index.get(key) === entry) {
        if (previous) index.set(key, previous);
        else index.delete(key);
        index.markDirty();
      }
      throw error;
    } finally {
      this.creating.delete(ck);
    }
  }

  private async write(
    agentId: string,
    sessionKey: string,
    items: UnstampedEntry[],
    scope: WriteScope,
    onWritten?: (entries: TranscriptEntry[]) => void,
  ): Promise<TranscriptEntry[]> {
    const index = await this.index(agentId, sessionKey);
    let entry: SessionIndexEntry | undefined;
    while (!(entry = this.writable(index, agentId, sessionKey, scope))) await this.resolve(agentId, sessionKey);
    const written = await this.writers.get(this.transcriptPath(agentId, entry), () => this.header(agentId, entry.sessionId)).append(items, onWritten);
    const live = index.get(sessionKey);
    if (live?.sessionId === entry.sessionId) {
      live.updatedAt = Math.max(live.updatedAt ?? 0, this.now());
      index.markDirty();
    }
    return written;
  }

  private header(agentId: string, sessionId: string): string {
    return headerLine(sessionId, this.workspaceDir(agentId), this.now());
  }

  /** The session's transcript path once any create or reset of it is done; undefined for no session. */
  private async transcriptFileOf(agentId: string, sessionKey: string): Promise<string | undefined> {
    const index = await this.index(agentId, sessionKey);
    await this.creating.get(`${agentId}\0${sessionKey}`)?.catch(() => {});
    const entry = index.get(sessionKey);
    return entry ? this.transcriptPath(agentId, entry) : undefined;
  }


  private async agentIds(): Promise<string[]> {
    const ids = new Set(this.indexes.keys());
    try {
      for (const dirent of await readdir(path.join(this.stateDir, "agents"), { withFileTypes: true })) {
        if (dirent.isDirectory() && isValidAgentId(dirent.name)) ids.add(dirent.name);
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return [...ids];
  }
}

// A transcript that does not exist (yet) reads as empty.
async function readTextIfAny(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if (isNotFound(error)) return "";
    throw error;
  }
}
