// The shared-secret decision for WS connects and HTTP bearers, with the reference's failure
// messages and details, and the per-IP failed-attempt limiter.
import { ErrorCodes, GatewayError, Messages } from "../../errors.js";
import type { AuthRateLimiter } from "./rate-limit.js";
import type { ResolvedAuth } from "./resolve-auth.js";
import { safeEqualSecret } from "./secret-compare.js";
import { isLoopbackAddress } from "../net.js";

export type AuthMethod = "none" | "token" | "password" | "trusted-proxy";

/**
 * Whether a socket got in on the gateway's shared secret (or on none being needed): a changed
 * secret ends exactly these. Device tokens, proxy identities and one-time links are separate.
 */
export function reliesOnSharedSecret(method: string | undefined): boolean {
  return method === "token" || method === "password" || method === "none";
}
export type AuthClientKind = "cli" | "ui" | "other";

export type AuthDecision = { ok: true; method: AuthMethod; user?: string } | { ok: false; error: GatewayError; retryAfterMs?: number };

type NextStep = "retry_with_device_token" | "update_auth_configuration" | "update_auth_credentials" | "wait_then_retry" | "review_auth_configuration";

function authError(message: string, code: string, authReason: string, next: NextStep, retryAfterMs?: number): GatewayError {
  return new GatewayError(ErrorCodes.INVALID_REQUEST, message, {
    details: { code, authReason, canRetryWithDeviceToken: false, recommendedNextStep: next },
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** What trusted-proxy mode looks at: the identity headers and the socket peer that sent them. */
export interface ProxyEvidence {
  headers: Record<string, string | string[] | undefined>;
  /** The socket's remote address (the proxy itself, not the forwarded client). */
  peer: string;
  /** The peer is listed in gateway.trustedProxies. */
  peerTrusted: boolean;
}

export interface ConnectCredentials {
  token?: string;
  password?: string;
  ip: string;
  clientKind: AuthClientKind;
  /** Identity headers and their sender; only in trusted-proxy mode. */
  proxy?: ProxyEvidence;
}

/** Checks shared-secret credentials. Callers decide what "no credentials at all" means first. */
export function authorizeShared(auth: ResolvedAuth, creds: ConnectCredentials, limiter: AuthRateLimiter): AuthDecision {
  const retryAfterMs = limiter.retryAfterMs(creds.ip);
  if (retryAfterMs > 0) {
    return {
      ok: false,
      retryAfterMs,
      error: authError(Messages.rateLimited, "AUTH_RATE_LIMITED", "rate_limited", "wait_then_retry", retryAfterMs),
    };
  }
  const fail = (error: GatewayError): AuthDecision => {
    limiter.recordFailure(creds.ip);
    return { ok: false, error };
  };
  switch (auth.mode) {
    case "none":
      return { ok: true, method: "none" };
    case "token": {
      if (!auth.token) return fail(authError(Messages.tokenNotConfigured, "AUTH_TOKEN_NOT_CONFIGURED", "token_not_configured", "update_auth_configuration"));
      if (!creds.token) return fail(authError(Messages.tokenMissing(creds.clientKind), "AUTH_TOKEN_MISSING", "token_missing", "update_auth_credentials"));
      if (!safeEqualSecret(creds.token, auth.token)) {
        return fail(authError(Messages.tokenMismatch(creds.clientKind), "AUTH_TOKEN_MISMATCH", "token_mismatch", "update_auth_credentials"));
      }
      limiter.recordSuccess(creds.ip);
      return { ok: true, method: "token" };
    }
    case "password": {
      const provided = creds.password ?? creds.token;
      if (!auth.password) return fail(authError(Messages.passwordNotConfigured, "AUTH_PASSWORD_NOT_CONFIGURED", "password_not_configured", "update_auth_configuration"));
      if (!provided) return fail(authError(Messages.passwordMissing(creds.clientKind), "AUTH_PASSWORD_MISSING", "password_missing", "update_auth_credentials"));
      if (!safeEqualSecret(provided, auth.password)) {
        return fail(authError(Messages.passwordMismatch(creds.clientKind), "AUTH_PASSWORD_MISMATCH", "password_mismatch", "update_auth_credentials"));
      }
      limiter.recordSuccess(creds.ip);
      return { ok: true, method: "password" };
    }
    case "trusted-proxy": {
      const tp = auth.trustedProxy!;
      const proxy = creds.proxy;
      // Identity headers count only from a listed proxy; a same-host (loopback) sender could be any
      // local process, so it needs the explicit allowLoopback.
      if (!proxy?.peerTrusted) {
        return fail(authError(Messages.unauthorized, "AUTH_UNAUTHORIZED", "trusted_proxy_untrusted_source", "review_auth_configuration"));
      }
      if (isLoopbackAddress(proxy.peer) && !tp.allowLoopback) {
        return fail(authError(Messages.unauthorized, "AUTH_UNAUTHORIZED", "trusted_proxy_loopback_source", "review_auth_configuration"));
      }
      const headers = proxy.headers;
      const raw = headers[tp.userHeader];
      const user = Array.isArray(raw) ? raw[0] : raw;
      const missingRequired = tp.requiredHeaders.some((h) => !headers[h]);
      if (!user || missingRequired) {
        return fail(authError(Messages.unauthorized, "AUTH_UNAUTHORIZED", "trusted_proxy_identity_missing", "review_auth_configuration"));
      }
      if (tp.allowUsers.length > 0 && !tp.allowUsers.includes(user)) {
        return fail(authError(Messages.unauthorized, "AUTH_UNAUTHORIZED", "trusted_proxy_user_not_allowed", "review_auth_configuration"));
      }
      return { ok: true, method: "trusted-proxy", user };
    }
  }
}

export type HttpAuthResult = { ok: true; method: AuthMethod } | { ok: false; status: 401 | 429; retryAfterMs?: number };

/** HTTP bearer auth: the same bearer is tried as token or password depending on the mode. */
export function authorizeHttpBearer(
  auth: ResolvedAuth,
  authorization: string | undefined,
  ip: string,
  limiter: AuthRateLimiter,
  proxy?: ProxyEvidence,
): HttpAuthResult {
  if (auth.mode === "none") return { ok: true, method: "none" };
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  const bearer = match?.[1]?.trim();
  const creds: ConnectCredentials = { ip, clientKind: "other" };
  if (bearer) {
    if (auth.mode === "password") creds.password = bearer;
    else creds.token = bearer;
  }
  if (proxy) creds.proxy = proxy;
  const decision = authorizeShared(auth, creds, limiter);
  if (decision.ok) return { ok: true, method: decision.method };
  if (decision.retryAfterMs) return { ok: false, status: 429, retryAfterMs: decision.retryAfterMs };
  return { ok: false, status: 401 };
}
