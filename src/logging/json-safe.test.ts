import { describe, expect, it } from "vitest";
import { serializeError, toJsonSafe } from "./json-safe.js";

describe("toJsonSafe", () => {
  it("returns the same object when nothing needs converting", () => {
    const fields = { a: 1, b: "x", c: { d: [1, 2] }, when: new Date(0) };
    expect(toJsonSafe(fields)).toBe(fields);
  });

  it("converts nested errors, bigints, maps and sets without touching the input", () => {
    const fields = { nested: { err: new TypeError("bad") }, list: [1n], map: new Map([["k", 2n]]), set: new Set([1]) };
    const safe = toJsonSafe(fields);
    expect(safe).toMatchObject({ nested: { err: { name: "TypeError", message: "bad" } }, list: ["1"], map: { k: "2" }, set: [1] });
    expect(fields.nested.err).toBeInstanceOf(TypeError);
    expect(JSON.parse(JSON.stringify(safe))).toEqual(safe);
  });

  it("stops at a bounded depth on self-referencing errors", () => {
    const err = new Error("loop");
    err.cause = err;
    expect(() => JSON.stringify(toJsonSafe({ err }))).not.toThrow();
  });
});

describe("serializeError", () => {
  it("keeps message, stack, own fields, cause and aggregate members", () => {
    const inner = new Error("inner");
    const err = Object.assign(new AggregateError([inner], "many", { cause: "why" }), { code: "E_MANY" });
    const out = serializeError(err);
    expect(out).toMatchObject({ name: "AggregateError", message: "many", code: "E_MANY", cause: "why" });
    expect(out.errors).toEqual([expect.objectContaining({ message: "inner" })]);
    expect(typeof out.stack).toBe("string");
  });
});
