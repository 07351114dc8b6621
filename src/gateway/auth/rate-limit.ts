// Failed-auth limiter per client IP: `maxAttempts` failures in `windowMs` lock the IP out for
// `lockoutMs`. Bounded memory: entries expire and the map is capped.
import { isLoopbackAddress } from "../net.js";

export interface RateLimitSettings {
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
  exemptLoopback: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = {
  maxAttempts: 10,
  windowMs: 60_000,
  lockoutMs: 300_000,
  exemptLoopback: true,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
}

const MAX_TRACKED_IPS = 10_000;

export class AuthRateLimiter {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  #exempt(ip: string): boolean {
    return this.settings.exemptLoopback && isLoopbackAddress(ip);
  }

  /** Milliseconds until the IP may try again, or 0 when it may try now. */
  retryAfterMs(ip: string): number {
    if (this.#exempt(ip)) return 0;
    const e = this.#entries.get(ip);
    if (!e) return 0;
    const t = this.now();
    return e.lockedUntil > t ? e.lockedUntil - t : 0;
  }

  recordFailure(ip: string): void {
    if (this.#exempt(ip)) return;
    const t = this.now();
    let e = this.#entries.get(ip);
    if (!e) {
      if (this.#entries.size >= MAX_TRACKED_IPS) this.#prune(t, true);
      e = { failures: [], lockedUntil: 0 };
      this.#entries.set(ip, e);
    }
    e.failures = e.failures.filter((f) => t - f < this.settings.windowMs);
    e.failures.push(t);
    if (e.failures.length >= this.settings.maxAttempts) {
      e.lockedUntil = t + this.settings.lockoutMs;
      e.failures = [];
    }
  }

  recordSuccess(ip: string): void {
    this.#entries.delete(ip);
  }

  #prune(t: number, force: boolean) {
    for (const [ip, e] of this.#entries) {
      const idle = e.lockedUntil <= t && e.failures.every((f) => t - f >= this.settings.windowMs);
      if (idle) this.#entries.delete(ip);
    }
    if (force && this.#entries.size >= MAX_TRACKED_IPS) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
