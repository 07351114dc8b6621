// A small LRU of SDK clients keyed by connection identity (api, baseUrl, apiKey, headers), so
// each request reuses a configured client instead of building one.
import type { ResolvedModel } from "../types.js";

export const DEFAULT_MAX_CLIENTS = 16;

export class ClientCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly limit = DEFAULT_MAX_CLIENTS) {}

  get(model: ResolvedModel, create: () => Promise<T>): Promise<T> {
    const key = clientKey(model);
    let entry = this.entries.get(key);
    if (entry) {
      // Re-insert so the Map's order stays least-recently-used first.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry;
    }
    entry = create();
    entry.catch(() => this.entries.delete(key));
    this.entries.set(key, entry);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

function clientKey(m: ResolvedModel): string {
  const headers = Object.entries(m.headers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([m.api, m.baseUrl, m.apiKey ?? "", headers]);
}
