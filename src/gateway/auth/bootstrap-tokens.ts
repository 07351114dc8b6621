// One-time Control UI links: `openclaw dashboard` asks the running gateway (admin scope) for a
// short-lived, single-use token and puts it in the URL fragment instead of the gateway's shared
// token. A browser presenting it with a signed device identity is paired and gets its own device
// token; the link is then worthless. Kept in memory (an in-process restart keeps them).
import { createHash, randomBytes } from "node:crypto";

export const BOOTSTRAP_TOKEN_PREFIX = "ocb_";
export const BOOTSTRAP_TOKEN_TTL_MS = 10 * 60_000;
const MAX_OUTSTANDING = 32;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

export class BootstrapTokens {
  readonly #tokens = new Map<string, number>();
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(opts: { now?: () => number; ttlMs?: number } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#ttlMs = opts.ttlMs ?? BOOTSTRAP_TOKEN_TTL_MS;
  }

  static looksLike(token: unknown): token is string {
    return typeof token === "string" && token.startsWith(BOOTSTRAP_TOKEN_PREFIX);
  }

  /** A new single-use token; the oldest outstanding ones are dropped beyond 32. */
  mint(): { token: string; expiresAtMs: number } {
    this.#prune();
    while (this.#tokens.size >= MAX_OUTSTANDING) this.#tokens.delete(this.#tokens.keys().next().value!);
    const token = `${BOOTSTRAP_TOKEN_PREFIX}${randomBytes(24).toString("base64url")}`;
    const expiresAtMs = this.#now() + this.#ttlMs;
    // Only the digest is kept: a heap dump does not hold usable links.
    this.#tokens.set(digest(token), expiresAtMs);
    return { token, expiresAtMs };
  }

  /** True once per minted, unexpired token. */
  consume(token: string): boolean {
    this.#prune();
    const key = digest(token);
    if (!this.#tokens.has(key)) return false;
    this.#tokens.delete(key);
    return true;
  }

  get outstanding(): number {
    this.#prune();
    return this.#tokens.size;
  }

  #prune() {
    const now = this.#now();
    for (const [key, expires] of this.#tokens) if (expires <= now) this.#tokens.delete(key);
  }
}
