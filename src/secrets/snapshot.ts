// The in-memory secrets snapshot and the runtime that swaps it. A snapshot is immutable and holds
// every active ref's value by path; the runtime activates a new one only when every ref resolved,
// so a failed reload keeps the last good snapshot (spec 5.4).
import { inspect } from "node:util";
import { formatSecretFailure, resolveConfigSecrets, type SecretFailure, type SecretWarning } from "./resolve.js";
import type { SecretValues } from "./values.js";

/** Resolved values by dotted config path. Printing or serialising it shows paths, never values. */
export class SecretsSnapshot implements SecretValues {
  readonly #values: ReadonlyMap<string, string>;
  readonly createdAt = Date.now();
  readonly warnings: readonly SecretWarning[];

  constructor(values: Map<string, string>, warnings: SecretWarning[] = []) {
    this.#values = new Map(values);
    this.warnings = Object.freeze([...warnings]);
    Object.freeze(this);
  }

  static empty(): SecretsSnapshot {
    return new SecretsSnapshot(new Map());
  }

  get(path: string): string | undefined {
    return this.#values.get(path);
  }

  has(path: string): boolean {
    return this.#values.has(path);
  }

  paths(): string[] {
    return [...this.#values.keys()];
  }

  get size(): number {
    return this.#values.size;
  }

  toJSON() {
    return { paths: this.paths(), createdAt: this.createdAt, warningCount: this.warnings.length };
  }

  [inspect.custom]() {
    return `SecretsSnapshot(${this.paths().join(", ")})`;
  }
}

export type ResolveOutcome = { ok: true; snapshot: SecretsSnapshot } | { ok: false; failures: SecretFailure[] };
export type ReloadResult = { ok: true; warningCount: number; warnings: SecretWarning[] } | { ok: false; failures: SecretFailure[] };

/** Startup could not resolve every ref: one line per failure, exit 78 like other config errors. */
export class SecretsResolutionError extends Error {
  constructor(readonly failures: SecretFailure[]) {
    super(failures.map(formatSecretFailure).join("\n"));
    this.name = "SecretsResolutionError";
  }
}

export type SnapshotListener = (next: SecretsSnapshot, previous: SecretsSnapshot) => void;

/** Holds the active snapshot. `reload(config)` is what startup, config reload and `secrets.reload` call. */
export class SecretsRuntime implements SecretValues {
  #current = SecretsSnapshot.empty();
  #listeners = new Set<SnapshotListener>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: { env: NodeJS.ProcessEnv }) {}

  /** The active snapshot (empty before the first activation). */
  get current(): SecretsSnapshot {
    return this.#current;
  }

  get(path: string): string | undefined {
    return this.#current.get(path);
  }

  /** Resolves `config`'s refs into a new snapshot without activating it (startup, write preflight). */
  async resolve(config: unknown): Promise<ResolveOutcome> {
    const result = await resolveConfigSecrets(config, { env: this.opts.env });
    if (result.failures.length > 0) return { ok: false, failures: result.failures };
    return { ok: true, snapshot: new SecretsSnapshot(result.values, result.warnings) };
  }

  /** Makes `snapshot` the active one and tells the listeners. */
  activate(snapshot: SecretsSnapshot): void {
    const previous = this.#current;
    this.#current = snapshot;
    for (const listener of this.#listeners) listener(snapshot, previous);
  }

  /**
   * Resolves and, only if every active ref resolved, swaps the new snapshot in. Reloads run one
   * at a time, so an older, slower reload can never replace a newer one.
   */
  reload(config: unknown): Promise<ReloadResult> {
    const run = this.#queue.then(async (): Promise<ReloadResult> => {
      const outcome = await this.resolve(config);
      if (!outcome.ok) return outcome;
      this.activate(outcome.snapshot);
      return { ok: true, warningCount: outcome.snapshot.warnings.length, warnings: [...outcome.snapshot.warnings] };
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Called after each activation; returns the unsubscribe function. */
  onActivate(listener: SnapshotListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
