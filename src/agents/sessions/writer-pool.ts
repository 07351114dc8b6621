// The open transcript writers, bounded: least recently used idle writers are closed beyond
// `max`. A busy writer is never closed under its appends; it is trimmed when it turns idle.
import { TranscriptWriter } from "./transcript-writer.js";
import type { SessionStoreStats } from "./types.js";

export interface WriterPoolOptions {
  max: number;
  now: () => number;
  stats: SessionStoreStats;
}

export class WriterPool {
  // Insertion order is recency order: the first idle writer is the one to close.
  private readonly writers = new Map<string, TranscriptWriter>();
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly opts: WriterPoolOptions) {}

  get size(): number {
    return this.writers.size;
  }

  /** The writer of `file`, opened lazily; `header` makes the first line of an empty file. */
  get(file: string, header: () => string): TranscriptWriter {
    let writer = this.writers.get(file);
    if (writer) {
      this.writers.delete(file);
    } else {
      writer = new TranscriptWriter(file, { now: this.opts.now, header, stats: this.opts.stats, onIdle: () => this.trim() });
    }
    this.writers.set(file, writer);
    this.trim();
    return writer;
  }

  /** The writer of `file` if one is open, without touching its recency. */
  peek(file: string): TranscriptWriter | undefined {
    return this.writers.get(file);
  }

  /** Takes `file`'s writer out of the pool and closes it after its queued appends. */
  async release(file: string): Promise<void> {
    const writer = this.writers.get(file);
    if (!writer) return;
    this.writers.delete(file);
    await this.track(writer.close());
  }

  /** Resolves when every queued append has settled and released writers are closed. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.whenIdle()));
    await Promise.all([...this.closing]);
  }

  async closeAll(): Promise<void> {
    const writers = [...this.writers.values()];
    this.writers.clear();
    await Promise.all([...writers.map((w) => w.close()), ...this.closing]);
  }

  private trim(): void {
    for (const [file, writer] of this.writers) {
      if (this.writers.size <= this.opts.max) return;
      if (!writer.idle) continue;
      this.writers.delete(file);
      void this.track(writer.close());
    }
  }

  private track(closing: Promise<void>): Promise<void> {
    this.closing.add(closing);
    const forget = (): void => void this.closing.delete(closing);
    closing.then(forget, forget);
    return closing;
  }
}
