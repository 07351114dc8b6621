import { describe, expect, it } from "vitest";
import { negotiateProtocol } from "./profile.js";

describe("negotiateProtocol", () => {
  it("speaks the highest common version of [min,max] and [3,4]", () => {
    expect(negotiateProtocol(3, 3)?.version).toBe(3);
    expect(negotiateProtocol(4, 4)?.version).toBe(4);
    expect(negotiateProtocol(3, 4)?.version).toBe(4);
    expect(negotiateProtocol(1, 9)?.version).toBe(4);
    expect(negotiateProtocol(1, 2)).toBeNull();
    expect(negotiateProtocol(5, 6)).toBeNull();
    expect(negotiateProtocol(4, 3)).toBeNull();
  });

  it("v3 and v4 differ only where the profile says", () => {
    const v3 = negotiateProtocol(3, 3)!;
    const v4 = negotiateProtocol(4, 4)!;
    expect([v3.seqScope, v4.seqScope]).toEqual(["global", "connection"]);
    expect(v3.missingScopeError("operator.read").toShape()).toEqual({ code: "INVALID_REQUEST", message: "missing scope: operator.read" });
    expect(v4.missingScopeError("operator.read").toShape()).toEqual({
      code: "FORBIDDEN",
      message: "missing scope: operator.read",
      details: { code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"] },
    });
  });
});
