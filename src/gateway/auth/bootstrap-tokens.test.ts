import { describe, expect, it } from "vitest";
import { BootstrapTokens } from "./bootstrap-tokens.js";

describe("BootstrapTokens", () => {
  it("accepts a minted token exactly once", () => {
    const tokens = new BootstrapTokens();
    const { token } = tokens.mint();
    expect(BootstrapTokens.looksLike(token)).toBe(true);
    expect(tokens.consume(token)).toBe(true);
    expect(tokens.consume(token)).toBe(false);
    expect(tokens.consume("ocb_never-minted")).toBe(false);
  });

  it("expires tokens and bounds how many are outstanding", () => {
    let now = 1_000;
    const tokens = new BootstrapTokens({ now: () => now, ttlMs: 100 });
    const first = tokens.mint();
    expect(first.expiresAtMs).toBe(1_100);
    now = 1_100;
    expect(tokens.consume(first.token)).toBe(false);
    const many = Array.from({ length: 40 }, () => tokens.mint().token);
    expect(tokens.outstanding).toBe(32);
    expect(tokens.consume(many[0]!)).toBe(false);
    expect(tokens.consume(many[39]!)).toBe(true);
  });
});
