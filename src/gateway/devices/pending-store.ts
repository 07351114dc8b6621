// Pairing requests waiting for an operator (`<stateDir>/devices/pending.json`): one per
// device+role, short human-typable ids, 10-minute expiry, at most 100 kept.
import { randomBytes } from "node:crypto";
import type { PairingRequest } from "../../protocol/methods-devices.js";
import { readJsonFile, SerialWriter } from "./json-file.js";

export const PENDING_TTL_MS = 10 * 60_000;
export const MAX_PENDING = 100;
const ID_LENGTH = 8;
// Crockford base32: no i, l, o, u, so ids survive being read aloud or typed from a screen.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type PairingRequestInput = Omit<PairingRequest, "requestId" | "createdAtMs" | "expiresAtMs">;

/** A new 8-character request id. */
export function newRequestId(): string {
  const bytes = randomBytes(ID_LENGTH);
  let id = "";
  for (const b of bytes) id += ALPHABET[b & 31];
  return id;
}

/** Accepts what a person types: any case, surrounding space, and the usual look-alikes. */
export function normalizeRequestId(input: string): string {
  return input.trim().toLowerCase().replace(/[il]/g, "1").replace(/o/g, "0");
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((s) => set.has(s));
}

function isRequest(value: unknown): value is PairingRequest {
  const r = value as Partial<PairingRequest> | null;
  return !!r && typeof r.requestId === "string" && typeof r.deviceId === "string" && typeof r.role === "string" &&
    Array.isArray(r.scopes) && typeof r.expiresAtMs === "number" && typeof r.publicKey === "string";
}

export interface PendingStoreOptions {
  ttlMs?: number;
  max?: number;
  now?: () => number;
}

export class PendingPairingStore {
  readonly #writer: SerialWriter;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  #loaded: Promise<Map<string, PairingRequest>> | undefined;

  constructor(readonly file: string, opts: PendingStoreOptions = {}) {
    this.#writer = new SerialWriter(file);
    this.#ttlMs = opts.ttlMs ?? PENDING_TTL_MS;
    this.#max = opts.max ?? MAX_PENDING;
    this.#now = opts.now ?? Date.now;
  }

  #load(): Promise<Map<string, PairingRequest>> {
    return (this.#loaded ??= readJsonFile(this.file).then((raw) => {
      const list = (raw as { requests?: unknown } | undefined)?.requests;
      const map = new Map<string, PairingRequest>();
      if (Array.isArray(list)) for (const r of list) if (isRequest(r)) map.set(r.requestId, r);
      return map;
    }));
  }

  /** Drops expired requests; true when any were dropped. */
  #prune(map: Map<string, PairingRequest>): boolean {
    const now = this.#now();
    let dropped = false;
    for (const [id, r] of map) {
      if (r.expiresAtMs <= now) {
        map.delete(id);
        dropped = true;
      }
    }
    return dropped;
  }

  #persist(map: Map<string, PairingRequest>): Promise<void> {
    const requests = [...map.values()].sort((a, b) => a.createdAtMs - b.createdAtMs);
    return this.#writer.write(`${JSON.stringify({ version: 1, requests }, null, 2)}\n`);
  }

  /**
   * The request for this device and role: reused when it asks for the same thing (and kept alive
   * while the device retries), otherwise a new one that replaces the old.
   */
  async upsert(input: PairingRequestInput): Promise<{ request: PairingRequest; created: boolean }> {
    const map = await this.#load();
    const now = this.#now();
    let changed = this.#prune(map);
    const existing = [...map.values()].find((r) => r.deviceId === input.deviceId && r.role === input.role);
    if (existing && existing.publicKey === input.publicKey && sameScopes(existing.scopes, input.scopes)) {
      const reused: PairingRequest = { ...existing, ...input, requestId: existing.requestId, createdAtMs: existing.createdAtMs, expiresAtMs: existing.expiresAtMs };
      // Extending on every retry would write on every reconnect; half the lifetime is enough.
      if (existing.expiresAtMs - now < this.#ttlMs / 2) reused.expiresAtMs = now + this.#ttlMs;
      changed ||= JSON.stringify(reused) !== JSON.stringify(existing);
      map.set(reused.requestId, reused);
      if (changed) await this.#persist(map);
      return { request: reused, created: false };
    }
    if (existing) map.delete(existing.requestId);
    let requestId = newRequestId();
    while (map.has(requestId)) requestId = newRequestId();
    const request: PairingRequest = { requestId, ...input, createdAtMs: now, expiresAtMs: now + this.#ttlMs };
    map.set(requestId, request);
    // Bounded: the oldest requests go first.
    const overflow = [...map.values()].sort((a, b) => a.createdAtMs - b.createdAtMs).slice(0, Math.max(0, map.size - this.#max));
    for (const r of overflow) map.delete(r.requestId);
    await this.#persist(map);
    return { request, created: true };
  }

  /** Live (not expired) requests, oldest first. */
  async list(): Promise<PairingRequest[]> {
    const map = await this.#load();
    if (this.#prune(map)) await this.#persist(map);
    return [...map.values()].sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async get(requestId: string): Promise<PairingRequest | undefined> {
    const map = await this.#load();
    const r = map.get(normalizeRequestId(requestId));
    return r && r.expiresAtMs > this.#now() ? r : undefined;
  }

  /** Removes and returns a live request (so two approvals of one request cannot both win). */
  async take(requestId: string): Promise<PairingRequest | undefined> {
    const map = await this.#load();
    const id = normalizeRequestId(requestId);
    const r = map.get(id);
    if (!r) return undefined;
    map.delete(id);
    await this.#persist(map);
    return r.expiresAtMs > this.#now() ? r : undefined;
  }

  /** Drops every request of a device (when it is removed); returns how many. */
  async removeDevice(deviceId: string): Promise<number> {
    const map = await this.#load();
    const ids = [...map.values()].filter((r) => r.deviceId === deviceId).map((r) => r.requestId);
    for (const id of ids) map.delete(id);
    if (ids.length) await this.#persist(map);
    return ids.length;
  }
}
