// Idempotency cache (spec 3.1/3.5): `agent:<key>`, `chat:<key>`... with a TTL and a size bound,
// so a retried request answers from here instead of starting a second run.

export const DEDUPE_TTL_MS = 5 * 60_000;
export const DEDUPE_MAX = 1000;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export class DedupeCache<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs = DEDUPE_TTL_MS,
    private readonly max = DEDUPE_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    // Insertion order is expiry order (one TTL for all), so the oldest entries go first and a
    // full sweep is never needed on the hot path.
    while (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
    const oldest = this.#entries.values().next().value;
    if (oldest && oldest.expiresAt <= this.now()) this.sweep();
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  sweep(): void {
    const t = this.now();
    for (const [k, e] of this.#entries) {
      if (e.expiresAt > t) break; // the rest are younger
      this.#entries.delete(k);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
