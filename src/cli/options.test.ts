import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { parseIntFlag, parseParamsJson, parseTimeoutMs, toPort } from "./options.js";

describe("parseParamsJson", () => {
  it("parses JSON and treats empty as {}", () => {
    expect(parseParamsJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseParamsJson("[1]")).toEqual([1]);
    expect(parseParamsJson(undefined)).toEqual({});
    expect(parseParamsJson("  ")).toEqual({});
  });

  it("rejects bad JSON as a usage error (exit 2)", () => {
    try {
      parseParamsJson("{a:1}");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).render()[0]).toMatch(/^openclaw: invalid --params JSON: /);
    }
  });
});

describe("integer flags", () => {
  it("falls back when absent and checks bounds", () => {
    expect(parseTimeoutMs(undefined, 10_000)).toBe(10_000);
    expect(parseTimeoutMs("250", 10_000)).toBe(250);
    expect(() => parseTimeoutMs("0", 1)).toThrow(/invalid --timeout/);
    expect(() => parseTimeoutMs("1.5", 1)).toThrow(/invalid --timeout/);
    expect(parseIntFlag("--limit", "5000", 200, { min: 1, max: 5000 })).toBe(5000);
    expect(() => parseIntFlag("--limit", "5001", 200, { min: 1, max: 5000 })).toThrow(/from 1 to 5000/);
  });

  it("toPort accepts 1..65535 only", () => {
    expect(toPort("18789")).toBe(18789);
    expect(toPort(65535)).toBe(65535);
    expect(toPort("0")).toBeUndefined();
    expect(toPort("65536")).toBeUndefined();
    expect(toPort("12ab")).toBeUndefined();
    expect(toPort(1.5)).toBeUndefined();
  });
});
