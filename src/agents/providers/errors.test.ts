import { describe, expect, it } from "vitest";
import { ProviderError } from "../types.js";
import { errorForStatus, retryAfterFrom, retryAfterMs, toProviderError, type ErrorContext } from "./errors.js";

const ctx: ErrorContext = { provider: "p", baseUrl: "http://127.0.0.1:1/v1", timeoutMs: 120_000, aborted: false, timedOut: false };

describe("provider error classification", () => {
  it("maps statuses to kinds", () => {
    const kinds = [401, 403, 408, 429, 500, 529, 400, 404, 422].map((s) => errorForStatus("p", s, "x").kind);
    expect(kinds).toEqual(["auth", "auth", "timeout", "rate_limit", "server", "server", "bad_request", "bad_request", "bad_request"]);
    expect(errorForStatus("p", 400, "prompt is too long: 210000 tokens > 200000 maximum").kind).toBe("context_length");
    expect(errorForStatus("p", 403, "").message).toBe("p rejected the API key (HTTP 403); check models.providers.p.apiKey");
  });

  it("names where the rejected key came from: an env var when it did", () => {
    const sdkError = Object.assign(Object.create({ constructor: { name: "AuthenticationError" } }), { status: 401, message: "bad key" });
    expect(toProviderError(sdkError, { ...ctx, keySource: "OPENAI_API_KEY" }).message).toBe("p rejected the API key (HTTP 401); check OPENAI_API_KEY");
    expect(toProviderError(sdkError, ctx).message).toBe("p rejected the API key (HTTP 401); check models.providers.p.apiKey");
  });

  it("reads Retry-After as ms, seconds or an HTTP date", () => {
    expect(retryAfterFrom(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterFrom(new Headers({ "retry-after": "2" }))).toBe(2000);
    const at = retryAfterFrom(new Headers({ "retry-after": new Date(Date.now() + 5000).toUTCString() }))!;
    expect(at).toBeGreaterThan(3000);
    expect(at).toBeLessThanOrEqual(5000);
    expect(retryAfterFrom(new Headers())).toBeUndefined();
    expect(retryAfterFrom(undefined)).toBeUndefined();
  });

  it("classifies SDK-shaped and fetch-shaped errors", () => {
    const apiError = Object.assign(new Error("429 slow"), { status: 429, headers: new Headers({ "retry-after": "3" }) });
    const limited = toProviderError(apiError, ctx);
    expect([limited.kind, retryAfterMs(limited)]).toEqual(["rate_limit", 3000]);
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    expect(toProviderError(refused, ctx)).toMatchObject({ kind: "network", message: "could not reach p at http://127.0.0.1:1/v1 (ECONNREFUSED)" });
    expect(toProviderError(new TypeError("terminated"), ctx).kind).toBe("network");
    expect(toProviderError(new Error("whatever"), { ...ctx, aborted: true }).kind).toBe("aborted");
    expect(toProviderError(new Error("whatever"), { ...ctx, timedOut: true })).toMatchObject({ kind: "timeout", message: "p did not respond within 120 s" });
    const kept = new ProviderError("bad_request", "kept", "p");
    expect(toProviderError(kept, ctx)).toBe(kept);
  });
});
