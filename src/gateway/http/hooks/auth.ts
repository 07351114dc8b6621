// Hook ingress auth (spec 4.10): the hooks token, never the gateway's, sent as `Authorization:
// Bearer` or `X-OpenClaw-Token` (a `?token=` query is refused: URLs end up in logs), compared in
// constant time, with a failed-attempt limiter of its own that does not exempt loopback, since
// webhook relays and tunnels usually arrive from 127.0.0.1.
import type { IncomingMessage } from "node:http";
import { AuthRateLimiter, type RateLimitSettings } from "../../auth/rate-limit.js";
import { safeEqualSecret } from "../../auth/secret-compare.js";
import { Messages } from "../../../errors.js";

export const HOOK_QUERY_TOKEN_MESSAGE = Messages.hooksQueryToken;

export const HOOK_RATE_LIMIT: RateLimitSettings = { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: false };

// Credentials and cookies never reach templates, transforms or transcripts.
const HIDDEN_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-openclaw-token"]);

export function hookTokenFromRequest(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const bearer = typeof auth === "string" ? /^Bearer\s+(.+)$/i.exec(auth.trim())?.[1]?.trim() : undefined;
  if (bearer) return bearer;
  const header = req.headers["x-openclaw-token"];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value || undefined;
}

/** The request's headers as hooks see them: lower-cased, multi-values joined, credentials removed. */
export function hookHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HIDDEN_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export type HookAuthResult = { ok: true } | { ok: false; status: 401 } | { ok: false; status: 429; retryAfterSeconds: number };

export class HookAuth {
  readonly limiter: AuthRateLimiter;

  constructor(settings: RateLimitSettings = HOOK_RATE_LIMIT, now?: () => number) {
    this.limiter = new AuthRateLimiter(settings, now);
  }

  /** A locked-out address gets 429 even with the right token, so guessing cannot continue. */
  check(req: IncomingMessage, ip: string, expected: string): HookAuthResult {
    const retryMs = this.limiter.retryAfterMs(ip);
    if (retryMs > 0) return { ok: false, status: 429, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
    if (!safeEqualSecret(hookTokenFromRequest(req), expected)) {
      this.limiter.recordFailure(ip);
      return { ok: false, status: 401 };
    }
    this.limiter.recordSuccess(ip);
    return { ok: true };
  }
}
