// Control-plane writes (config.apply, config.patch, update.run): 3 per 60 s per device+IP.
import { ErrorCodes, GatewayError, Messages } from "../errors.js";

export const CONTROL_PLANE_LIMIT = 3;
export const CONTROL_PLANE_WINDOW_MS = 60_000;
const MAX_KEYS = 1000;

export class ControlPlaneRateLimiter {
  readonly #hits = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records one write by `key` or throws the reference's UNAVAILABLE rate-limit error. */
  consume(method: string, key: string): void {
    const t = this.now();
    const recent = (this.#hits.get(key) ?? []).filter((h) => t - h < CONTROL_PLANE_WINDOW_MS);
    if (recent.length >= CONTROL_PLANE_LIMIT) {
      const retryAfterMs = Math.max(1, CONTROL_PLANE_WINDOW_MS - (t - recent[0]!));
      throw new GatewayError(ErrorCodes.UNAVAILABLE, Messages.controlPlaneRateLimit(method, Math.ceil(retryAfterMs / 1000)), {
        retryable: true,
        retryAfterMs,
        details: { method, limit: `${CONTROL_PLANE_LIMIT} per ${CONTROL_PLANE_WINDOW_MS / 1000}s` },
      });
    }
    recent.push(t);
    this.#hits.delete(key);
    this.#hits.set(key, recent);
    if (this.#hits.size > MAX_KEYS) {
      const oldest = this.#hits.keys().next().value;
      if (oldest !== undefined) this.#hits.delete(oldest);
    }
  }
}
