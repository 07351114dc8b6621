import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors.js";
import { ControlPlaneRateLimiter } from "./control-plane-rate-limit.js";

describe("ControlPlaneRateLimiter", () => {
  it("allows 3 per 60 s per key, then the reference's retryable error", () => {
    let now = 0;
    const l = new ControlPlaneRateLimiter(() => now);
    for (let i = 0; i < 3; i++) l.consume("config.patch", "k");
    now = 10_000;
    let err: GatewayError | undefined;
    try {
      l.consume("config.patch", "k");
    } catch (e) {
      err = e as GatewayError;
    }
    expect(err?.toShape()).toEqual({
      code: "UNAVAILABLE",
      message: "rate limit exceeded for config.patch; retry after 50s",
      retryable: true,
      retryAfterMs: 50_000,
      details: { method: "config.patch", limit: "3 per 60s" },
    });
    l.consume("config.apply", "other-key");
    now = 60_001;
    l.consume("config.patch", "k");
  });
});
