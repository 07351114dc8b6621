// Which stored session a /v1/responses id continues: `resp_…` -> {agentId, sessionKey, entryId},
// persisted in `<stateDir>/openresponses/responses.json` so `previous_response_id` survives a
// restart. Bounded by count and age; writes are atomic and coalesced.
import { readFile, rename } from "node:fs/promises";
import path from "node:path";
import { ensurePrivateDir, isNotFound, writeFileAtomic } from "../../../agents/sessions/fs-utils.js";

export const RESPONSE_STORE_MAX_ENTRIES = 10_000;
export const RESPONSE_STORE_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export interface StoredResponse {
  agentId: string;
  sessionKey: string;
  /** The request's `user`: a follow-up must come from the same one (spec 4.8). */
  user?: string;
  /** Epoch ms. */
  createdAt: number;
  /** The transcript entry of this response's last turn: a follow-up replays the session up to it. */
  entryId: string;
}

export interface ResponseStoreOptions {
  stateDir: string;
  now?: () => number;
  maxEntries?: number;
  maxAgeMs?: number;
  /** A corrupt file was set aside, or a write failed. */
  onError?: (error: unknown) => void;
  /**
   * Called with each session no stored response points into any more (its last entry was pruned
   * by count or age), so its owner can delete what only those responses kept alive.
   */
  onSessionReleased?: (agentId: string, sessionKey: string) => void;
}

export function responseStorePath(stateDir: string): string {
  return path.join(stateDir, "openresponses", "responses.json");
}

export class ResponseStore {
  readonly file: string;
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #onSessionReleased: (agentId: string, sessionKey: string) => void;
  // Insertion order is creation order, so the oldest entries come first.
  #entries: Map<string, StoredResponse> | undefined;
  /** Entries per `agentId\0sessionKey`. */
  readonly #refs = new Map<string, number>();
  #loading: Promise<Map<string, StoredResponse>> | undefined;
  #tail: Promise<void> = Promise.resolve();
  #scheduled: Promise<void> | undefined;

  constructor(opts: ResponseStoreOptions) {
    this.file = responseStorePath(opts.stateDir);
    this.#now = opts.now ?? Date.now;
    this.#maxEntries = Math.max(1, opts.maxEntries ?? RESPONSE_STORE_MAX_ENTRIES);
    this.#maxAgeMs = opts.maxAgeMs ?? RESPONSE_STORE_MAX_AGE_MS;
    this.#onError = opts.onError ?? (() => {});
    this.#onSessionReleased = opts.onSessionReleased ?? (() => {});
  }

  /** The entry for `id`, or undefined when unknown or expired. */
  async get(id: string): Promise<StoredResponse | undefined> {
    const entries = await this.#load();
    const entry = entries.get(id);
    if (!entry || this.#now() - entry.createdAt > this.#maxAgeMs) return undefined;
    return { ...entry };
  }

  /** Records `id` and resolves once the file holding it is durable. */
  async put(id: string, entry: StoredResponse): Promise<void> {
    const entries = await this.#load();
    const old = entries.get(id);
    entries.delete(id);
    entries.set(id, { ...entry });
    this.#ref(entry, 1);
    if (old) this.#ref(old, -1);
    this.#prune(entries);
    await this.#persist();
  }

  async size(): Promise<number> {
    return (await this.#load()).size;
  }

  /** Waits for queued writes. */
  async flush(): Promise<void> {
    await this.#tail;
  }

  // Oldest first, so the walk stops at the first entry that may stay.
  #prune(entries: Map<string, StoredResponse>): void {
    const cutoff = this.#now() - this.#maxAgeMs;
    for (const [id, e] of entries) {
      if (entries.size <= this.#maxEntries && e.createdAt >= cutoff) break;
      this.#remove(entries, id);
    }
  }

  #remove(entries: Map<string, StoredResponse>, id: string): void {
    const e = entries.get(id);
    if (!e) return;
    entries.delete(id);
    this.#ref(e, -1);
  }

  #ref(e: StoredResponse, delta: 1 | -1): void {
    const key = `${e.agentId}\0${e.sessionKey}`;
    const n = (this.#refs.get(key) ?? 0) + delta;
    if (n > 0) this.#refs.set(key, n);
    else {
      this.#refs.delete(key);
      if (delta < 0) this.#onSessionReleased(e.agentId, e.sessionKey);
    }
  }

  // Every put waits for a write that starts after it; puts arriving meanwhile share that write.
  #persist(): Promise<void> {
    if (!this.#scheduled) {
      const run = this.#tail.then(() => {
        this.#scheduled = undefined;
        return this.#write();
      });
      this.#scheduled = run;
      this.#tail = run.catch(() => {});
    }
    return this.#scheduled;
  }

  async #write(): Promise<void> {
    const entries = await this.#load();
    const responses: Record<string, StoredResponse> = {};
    for (const [id, e] of entries) responses[id] = e;
    await ensurePrivateDir(path.dirname(this.file));
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, responses })}\n`);
  }

  #load(): Promise<Map<string, StoredResponse>> {
    if (this.#entries) return Promise.resolve(this.#entries);
    this.#loading ??= this.#read().then(
      (entries) => (this.#entries = entries),
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  async #read(): Promise<Map<string, StoredResponse>> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if (isNotFound(error)) return new Map();
      throw error;
    }
    const entries = new Map<string, StoredResponse>();
    try {
      const parsed = JSON.parse(text) as { responses?: Record<string, unknown> };
      const rows = Object.entries(parsed.responses ?? {}).filter((row): row is [string, StoredResponse] => isEntry(row[1]));
      rows.sort((a, b) => a[1].createdAt - b[1].createdAt);
      for (const [id, e] of rows) {
        const entry: StoredResponse = { agentId: e.agentId, sessionKey: e.sessionKey, createdAt: e.createdAt, entryId: e.entryId, ...(typeof e.user === "string" ? { user: e.user } : {}) };
        entries.set(id, entry);
        this.#ref(entry, 1);
      }
    } catch (error) {
      // Keep the bad file for inspection; a fresh map beats refusing every follow-up forever.
      const aside = `${this.file}.corrupt-${this.#now()}`;
      await rename(this.file, aside).catch(() => {});
      this.#onError(new Error(`response store ${this.file} is unreadable (moved to ${aside}): ${(error as Error).message}`));
      return new Map();
    }
    this.#prune(entries);
    return entries;
  }
}

function isEntry(v: unknown): v is StoredResponse {
  const e = v as Partial<StoredResponse> | null;
  return (
    typeof e === "object" && e !== null &&
    typeof e.agentId === "string" && typeof e.sessionKey === "string" &&
    typeof e.createdAt === "number" && typeof e.entryId === "string"
  );
}
