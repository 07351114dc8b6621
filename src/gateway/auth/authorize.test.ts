import { describe, expect, it } from "vitest";
import { authorizeHttpBearer, authorizeShared } from "./authorize.js";
import { AuthRateLimiter, DEFAULT_RATE_LIMIT } from "./rate-limit.js";
import type { ResolvedAuth } from "./resolve-auth.js";

const tokenAuth: ResolvedAuth = { mode: "token", modeExplicit: true, token: "tok", rateLimit: DEFAULT_RATE_LIMIT, needsGeneratedToken: false };

describe("authorizeShared", () => {
  it("accepts the token and rejects others with the reference details", () => {
    const limiter = new AuthRateLimiter({ ...DEFAULT_RATE_LIMIT, exemptLoopback: false });
    expect(authorizeShared(tokenAuth, { ip: "10.0.0.1", clientKind: "cli", token: "tok" }, limiter)).toEqual({ ok: true, method: "token" });
    const bad = authorizeShared(tokenAuth, { ip: "10.0.0.1", clientKind: "ui", token: "x" }, limiter);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.message).toBe("unauthorized: gateway token mismatch (open the dashboard URL and paste the token in Control UI settings)");
      expect(bad.error.details).toMatchObject({ code: "AUTH_TOKEN_MISMATCH", recommendedNextStep: "update_auth_credentials" });
    }
    const missing = authorizeShared(tokenAuth, { ip: "10.0.0.1", clientKind: "other" }, limiter);
    expect(!missing.ok && missing.error.details).toMatchObject({ code: "AUTH_TOKEN_MISSING" });
  });

  it("locks out after maxAttempts and recovers after lockoutMs", () => {
    let now = 1_000_000;
    const limiter = new AuthRateLimiter({ maxAttempts: 2, windowMs: 1000, lockoutMs: 5000, exemptLoopback: false }, () => now);
    authorizeShared(tokenAuth, { ip: "10.0.0.2", clientKind: "cli", token: "x" }, limiter);
    authorizeShared(tokenAuth, { ip: "10.0.0.2", clientKind: "cli", token: "x" }, limiter);
    const locked = authorizeShared(tokenAuth, { ip: "10.0.0.2", clientKind: "cli", token: "tok" }, limiter);
    expect(!locked.ok && locked.retryAfterMs).toBe(5000);
    now += 5001;
    expect(authorizeShared(tokenAuth, { ip: "10.0.0.2", clientKind: "cli", token: "tok" }, limiter).ok).toBe(true);
  });

  it("failures spread beyond the window do not lock out", () => {
    let now = 0;
    const limiter = new AuthRateLimiter({ maxAttempts: 2, windowMs: 1000, lockoutMs: 5000, exemptLoopback: false }, () => now);
    authorizeShared(tokenAuth, { ip: "a", clientKind: "cli", token: "x" }, limiter);
    now += 2000;
    authorizeShared(tokenAuth, { ip: "a", clientKind: "cli", token: "x" }, limiter);
    expect(limiter.retryAfterMs("a")).toBe(0);
  });
});

describe("authorizeHttpBearer", () => {
  it("maps to 401 and 429", () => {
    const limiter = new AuthRateLimiter({ maxAttempts: 1, windowMs: 1000, lockoutMs: 1000, exemptLoopback: false });
    expect(authorizeHttpBearer(tokenAuth, "Bearer tok", "1.2.3.4", limiter)).toEqual({ ok: true, method: "token" });
    expect(authorizeHttpBearer(tokenAuth, "Bearer nope", "1.2.3.4", limiter)).toEqual({ ok: false, status: 401 });
    expect(authorizeHttpBearer(tokenAuth, "Bearer tok", "1.2.3.4", limiter)).toMatchObject({ ok: false, status: 429 });
  });

  it("tries the bearer as the password in password mode", () => {
    const pw: ResolvedAuth = { ...tokenAuth, mode: "password", password: "pw" };
    delete pw.token;
    expect(authorizeHttpBearer(pw, "Bearer pw", "x", new AuthRateLimiter(DEFAULT_RATE_LIMIT)).ok).toBe(true);
  });
});

describe("trusted-proxy mode", () => {
  const auth: ResolvedAuth = {
    mode: "trusted-proxy", modeExplicit: true, rateLimit: DEFAULT_RATE_LIMIT, needsGeneratedToken: false,
    trustedProxy: { userHeader: "x-forwarded-user", requiredHeaders: ["x-forwarded-proto"], allowUsers: ["ana@example.com"], allowLoopback: false },
  };
  const limiter = () => new AuthRateLimiter({ ...DEFAULT_RATE_LIMIT, exemptLoopback: false });
  const headers = { "x-forwarded-user": "ana@example.com", "x-forwarded-proto": "https" };
  const reason = (d: ReturnType<typeof authorizeShared>) => (d.ok ? "ok" : (d.error.details as { authReason: string }).authReason);

  it("takes the user from a listed, non-loopback proxy with the required headers and an allowed user", () => {
    const d = authorizeShared(auth, { ip: "203.0.113.5", clientKind: "ui", proxy: { headers, peer: "10.0.0.2", peerTrusted: true } }, limiter());
    expect(d).toEqual({ ok: true, method: "trusted-proxy", user: "ana@example.com" });
  });

  it("ignores identity headers from an unlisted peer, and from a loopback peer unless allowLoopback", () => {
    expect(reason(authorizeShared(auth, { ip: "10.9.9.9", clientKind: "ui", proxy: { headers, peer: "10.9.9.9", peerTrusted: false } }, limiter()))).toBe("trusted_proxy_untrusted_source");
    expect(reason(authorizeShared(auth, { ip: "10.9.9.9", clientKind: "ui" }, limiter()))).toBe("trusted_proxy_untrusted_source");
    expect(reason(authorizeShared(auth, { ip: "127.0.0.1", clientKind: "ui", proxy: { headers, peer: "127.0.0.1", peerTrusted: true } }, limiter()))).toBe("trusted_proxy_loopback_source");
    const loopbackOk = { ...auth, trustedProxy: { ...auth.trustedProxy!, allowLoopback: true } };
    expect(authorizeShared(loopbackOk, { ip: "127.0.0.1", clientKind: "ui", proxy: { headers, peer: "::1", peerTrusted: true } }, limiter()).ok).toBe(true);
  });

  it("refuses a missing user, a missing required header and a user outside allowUsers", () => {
    const peer = { peer: "10.0.0.2", peerTrusted: true };
    const d1 = authorizeShared(auth, { ip: "1.1.1.1", clientKind: "ui", proxy: { headers: { "x-forwarded-proto": "https" }, ...peer } }, limiter());
    expect(d1.ok || d1.error.message).toBe("unauthorized");
    expect(reason(d1)).toBe("trusted_proxy_identity_missing");
    expect(reason(authorizeShared(auth, { ip: "1.1.1.1", clientKind: "ui", proxy: { headers: { "x-forwarded-user": "ana@example.com" }, ...peer } }, limiter()))).toBe("trusted_proxy_identity_missing");
    expect(reason(authorizeShared(auth, { ip: "1.1.1.1", clientKind: "ui", proxy: { headers: { ...headers, "x-forwarded-user": "eve@example.com" }, ...peer } }, limiter()))).toBe("trusted_proxy_user_not_allowed");
  });
});
