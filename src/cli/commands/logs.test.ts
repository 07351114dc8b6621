import { describe, expect, it } from "vitest";
import { GatewayCallError } from "../rpc.js";
import { isTransientFailure, shouldFallBackToFile } from "./logs.js";

const failure = (kind: GatewayCallError["kind"], shape?: GatewayCallError["shape"]) => new GatewayCallError("x", kind, "x", shape);

describe("logs failure policy", () => {
  it("falls back to the local file when nothing answers or pairing is required", () => {
    expect(shouldFallBackToFile(failure("unreachable"))).toBe(true);
    expect(shouldFallBackToFile(failure("timeout"))).toBe(true);
    expect(shouldFallBackToFile(failure("rejected", { code: "NOT_PAIRED", message: "pairing required" }))).toBe(true);
    expect(shouldFallBackToFile(failure("rejected", { code: "INVALID_REQUEST", message: "unauthorized" }))).toBe(false);
    expect(shouldFallBackToFile(failure("rpc", { code: "UNAVAILABLE", message: "log read failed: x" }))).toBe(false);
  });

  it("retries transport failures and UNAVAILABLE while following, not refusals", () => {
    expect(isTransientFailure(failure("closed"))).toBe(true);
    expect(isTransientFailure(failure("rpc", { code: "UNAVAILABLE", message: "starting" }))).toBe(true);
    expect(isTransientFailure(failure("rpc", { code: "INVALID_REQUEST", message: "bad" }))).toBe(false);
    expect(isTransientFailure(failure("rejected"))).toBe(false);
  });
});
