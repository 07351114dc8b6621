import { describe, expect, it } from "vitest";
import { closeReason } from "./close-reason.js";

describe("closeReason", () => {
  it("keeps short reasons, falls back when empty, truncates to 120 bytes on a character boundary", () => {
    expect(closeReason("protocol mismatch")).toBe("protocol mismatch");
    expect(closeReason("")).toBe("invalid handshake");
    expect(Buffer.byteLength(closeReason("x".repeat(300)))).toBe(120);
    const cut = closeReason("é".repeat(100));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(120);
    expect(cut).toBe("é".repeat(60));
  });
});
