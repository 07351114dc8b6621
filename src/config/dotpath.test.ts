import { describe, expect, it } from "vitest";
import { diffPaths, formatPath, getAtPath, parsePath, setAtPath, unsetAtPath } from "./dotpath.js";
import { ConfigError } from "./errors.js";

describe("parsePath / formatPath", () => {
  it("parses dots, indexes and quoted keys", () => {
    expect(parsePath("")).toEqual([]);
    expect(parsePath("a.b.c")).toEqual(["a", "b", "c"]);
    expect(parsePath("a.b[0].c")).toEqual(["a", "b", 0, "c"]);
    expect(parsePath("a.b.0.c")).toEqual(["a", "b", "0", "c"]);
    expect(parsePath('a["x.y"].z')).toEqual(["a", "x.y", "z"]);
    expect(parsePath("a['q\\'s'][1][2]")).toEqual(["a", "q's", 1, 2]);
    expect(parsePath('["$schema"]')).toEqual(["$schema"]);
  });

  it("rejects malformed paths", () => {
    for (const bad of ["a..b", ".a", "a.", "a[x]", 'a["x"', "a[0]b", "a[]"]) {
      expect(() => parsePath(bad), bad).toThrow(ConfigError);
    }
  });

  it("formats segments so they parse back", () => {
    const segments = ["models", "providers", "openai/gpt-4.1", "models", 0, "id"];
    const text = formatPath(segments);
    expect(text).toBe('models.providers["openai/gpt-4.1"].models.0.id');
    expect(parsePath(text)).toEqual(["models", "providers", "openai/gpt-4.1", "models", "0", "id"]);
    expect(formatPath(["$include"])).toBe("$include");
    expect(formatPath([""])).toBe('[""]');
  });
});

describe("getAtPath", () => {
  const obj = { a: { b: [{ c: 1 }, { c: 2 }] }, "x.y": true };
  it("reads through objects and arrays either way", () => {
    expect(getAtPath(obj, "a.b[1].c")).toBe(2);
    expect(getAtPath(obj, "a.b.0.c")).toBe(1);
    expect(getAtPath(obj, '["x.y"]')).toBe(true);
    expect(getAtPath(obj, "")).toBe(obj);
  });

  it("returns undefined for missing steps and never walks prototypes", () => {
    expect(getAtPath(obj, "a.z.c")).toBeUndefined();
    expect(getAtPath(obj, "a.b[5]")).toBeUndefined();
    expect(getAtPath(obj, "a.toString")).toBeUndefined();
    expect(getAtPath(obj, "a.b.length")).toBeUndefined();
  });
});

describe("setAtPath / unsetAtPath", () => {
  it("returns a new tree and leaves the input alone", () => {
    const input = { gateway: { port: 1, auth: { mode: "token" } }, list: [1, 2] };
    const frozen = JSON.stringify(input);
    const next = setAtPath(input, "gateway.port", 2) as typeof input;
    expect(next.gateway.port).toBe(2);
    expect(next.gateway.auth).toBe(input.gateway.auth);
    expect(JSON.stringify(input)).toBe(frozen);
    expect(setAtPath(input, "list[1]", 9)).toMatchObject({ list: [1, 9] });
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it("creates missing containers: arrays for [n], objects otherwise", () => {
    expect(setAtPath({}, "a.b[0].c", 1)).toEqual({ a: { b: [{ c: 1 }] } });
    expect(setAtPath(undefined, "a.0", 1)).toEqual({ a: { 0: 1 } });
    expect(setAtPath({}, "", 5)).toBe(5);
  });

  it("refuses to write through a scalar or past the end of an array", () => {
    expect(() => setAtPath({ a: 1 }, "a.b", 2)).toThrow(ConfigError);
    expect(() => setAtPath({ a: [] }, "a[3]", 2)).toThrow(ConfigError);
  });

  it("stores __proto__ as data instead of changing the prototype", () => {
    const next = setAtPath({}, '["__proto__"].polluted', true) as Record<string, unknown>;
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(Object.hasOwn(next, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("unsets keys and array entries without mutation", () => {
    const input = { a: { b: 1, c: 2 }, l: ["x", "y", "z"] };
    expect(unsetAtPath(input, "a.b")).toEqual({ a: { c: 2 }, l: ["x", "y", "z"] });
    expect(unsetAtPath(input, "l[1]")).toEqual({ a: { b: 1, c: 2 }, l: ["x", "z"] });
    expect(unsetAtPath(input, "a.missing.deep")).toBe(input);
    expect(input).toEqual({ a: { b: 1, c: 2 }, l: ["x", "y", "z"] });
  });
});

describe("diffPaths", () => {
  it("lists changed leaves, whole arrays, additions and removals", () => {
    const prev = { gateway: { port: 1, auth: { token: "a" } }, hooks: { enabled: true }, list: [1, 2], same: { x: 1 } };
    const next = { gateway: { port: 2, auth: { token: "a" } }, cron: { enabled: true }, list: [1, 3], same: { x: 1 } };
    expect(diffPaths(prev, next).sort()).toEqual(["cron.enabled", "gateway.port", "hooks.enabled", "list"]);
  });

  it("reports type changes at the changed path and nothing for equal trees", () => {
    expect(diffPaths({ a: { b: 1 } }, { a: 5 })).toEqual(["a"]);
    expect(diffPaths({ a: [{ b: 1 }] }, { a: [{ b: 1 }] })).toEqual([]);
    expect(diffPaths(1, 2)).toEqual([""]);
    expect(diffPaths({ m: { "a.b": 1 } }, { m: { "a.b": 2 } })).toEqual(['m["a.b"]']);
  });
});
