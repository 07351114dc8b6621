import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import { parseJson5 } from "./json5-parse.js";

describe("parseJson5", () => {
  it("gives plain JSON (parsed without json5) exactly the value json5 gives it", () => {
    const text = '{"__proto__": {"x": 1}, "a": [1, -0, 1e400, 0.1, "\\u0041"], "nested": {"b": null, "b": true}}';
    const got = parseJson5(text, "f.json");
    expect(got).toEqual({ ok: true, value: JSON5.parse(text) });
    const value = (got as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "a", "nested"]);
    expect(Object.is((value.a as number[])[1], -0)).toBe(true);
  });

  it("parses JSON5 (comments, unquoted keys, trailing commas, single quotes)", () => {
    expect(parseJson5("// c\n{ a: 'x', b: [1, 2,], /* d */ }", "f.json5")).toEqual({ ok: true, value: { a: "x", b: [1, 2] } });
  });

  it("reports json5's error with the file, line and column", () => {
    expect(parseJson5('{\n  "a": 1,\n  "b": }', "/x/openclaw.json")).toEqual({
      ok: false,
      issue: { file: "/x/openclaw.json", path: "", message: "JSON5 parse error at line 3, column 8: invalid character '}'" },
    });
  });
});
