import { describe, expect, it } from "vitest";
import { hasScope, methodAccess } from "./scopes.js";

describe("method scopes", () => {
  it("classifies like the reference: explicit reads before admin prefixes, default deny", () => {
    expect(methodAccess("health")).toEqual({ kind: "any" });
    expect(methodAccess("config.get")).toEqual({ kind: "scope", scope: "operator.read" });
    expect(methodAccess("config.patch")).toEqual({ kind: "scope", scope: "operator.admin" });
    expect(methodAccess("wizard.start")).toEqual({ kind: "scope", scope: "operator.admin" });
    expect(methodAccess("chat.send")).toEqual({ kind: "scope", scope: "operator.write" });
    expect(methodAccess("node.event")).toEqual({ kind: "node" });
    expect(methodAccess("brand.new.method")).toEqual({ kind: "scope", scope: "operator.admin" });
  });

  it("admin passes all and write satisfies read", () => {
    expect(hasScope(["operator.admin"], "operator.pairing")).toBe(true);
    expect(hasScope(["operator.write"], "operator.read")).toBe(true);
    expect(hasScope(["operator.read"], "operator.write")).toBe(false);
    expect(hasScope([], "operator.read")).toBe(false);
  });
});
