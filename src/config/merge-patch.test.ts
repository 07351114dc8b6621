import { describe, expect, it } from "vitest";
import { applyMergePatch } from "./merge-patch.js";

describe("applyMergePatch (RFC 7396)", () => {
  it("merges objects, deletes on null, replaces arrays and scalars", () => {
    const target = { a: "b", c: { d: "e", f: "g" }, list: [1, 2, 3], keep: 1 };
    const patch = { a: "z", c: { f: null, h: 1 }, list: [9], gone: null };
    expect(applyMergePatch(target, patch)).toEqual({ a: "z", c: { d: "e", h: 1 }, list: [9], keep: 1 });
  });

  it("passes the RFC appendix examples", () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: "b" }, { a: "c" }, { a: "c" }],
      [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
      [{ a: "b" }, { a: null }, {}],
      [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
      [{ a: ["b"] }, { a: "c" }, { a: "c" }],
      [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
      [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
      [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
      [["a", "b"], ["c", "d"], ["c", "d"]],
      [{ a: "b" }, ["c"], ["c"]],
      [{ a: "foo" }, null, null],
      [{ a: "foo" }, "bar", "bar"],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: "b", c: null }, { a: "b" }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, expected] of cases) expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("does not mutate or alias its inputs", () => {
    const target = { a: { b: [1] }, other: { x: 1 } };
    const patch = { a: { c: [2] } };
    const result = applyMergePatch(target, patch) as { a: { b: number[]; c: number[] }; other: { x: number } };
    expect(target).toEqual({ a: { b: [1] }, other: { x: 1 } });
    expect(patch).toEqual({ a: { c: [2] } });
    result.a.b.push(9);
    result.a.c.push(9);
    result.other.x = 2;
    expect(target).toEqual({ a: { b: [1] }, other: { x: 1 } });
    expect(patch).toEqual({ a: { c: [2] } });
  });

  it("treats a parsed __proto__ key as data", () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}');
    const result = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
