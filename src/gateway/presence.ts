// Who is connected: the gateway itself plus operator/node clients (CLI clients are not tracked).
// Bounded: disconnected entries expire, and the map never grows past a cap.
import os from "node:os";
import type { PresenceEntry } from "../protocol/frames.js";

const MAX_ENTRIES = 500;
const DISCONNECTED_TTL_MS = 10 * 60_000;

export class PresenceRegistry {
  readonly #entries = new Map<string, PresenceEntry>();
  #version = 1;

  constructor(
    private readonly selfEntry: PresenceEntry,
    private readonly now: () => number = Date.now,
  ) {}

  static gatewaySelf(version: string, instanceId: string, ip: string | undefined, ts: number): PresenceEntry {
    const host = os.hostname();
    const platform = `${os.platform()} ${os.release()}`;
    const entry: PresenceEntry = {
      host,
      version,
      platform,
      deviceFamily: os.platform() === "darwin" ? "Mac" : os.platform() === "win32" ? "Windows" : "Linux",
      mode: "gateway",
      reason: "self",
      instanceId,
      text: `Gateway: ${host}${ip ? ` (${ip})` : ""} · app ${version} · mode gateway · reason self`,
      ts,
    };
    if (ip) entry.ip = ip;
    return entry;
  }

  get version(): number {
    return this.#version;
  }

  list(): PresenceEntry[] {
    this.#prune();
    return [{ ...this.selfEntry }, ...this.#entries.values()];
  }

  upsert(key: string, entry: PresenceEntry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#version++;
  }

  markDisconnected(key: string): boolean {
    const e = this.#entries.get(key);
    if (!e) return false;
    this.upsert(key, { ...e, reason: "disconnect", ts: this.now() });
    return true;
  }

  #prune() {
    const cutoff = this.now() - DISCONNECTED_TTL_MS;
    for (const [k, e] of this.#entries) {
      if (e.reason === "disconnect" && e.ts < cutoff) this.#entries.delete(k);
    }
  }
}
