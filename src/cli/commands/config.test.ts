import { describe, expect, it } from "vitest";
import { parseSetValue } from "./config.js";

describe("config set value parsing", () => {
  it("uses JSON5 when the text parses, else the text itself", async () => {
    expect(await parseSetValue("19000", "auto")).toBe(19000);
    expect(await parseSetValue("true", "auto")).toBe(true);
    expect(await parseSetValue("{mode: 'local'}", "auto")).toEqual({ mode: "local" });
    expect(await parseSetValue('"quoted"', "auto")).toBe("quoted");
    expect(await parseSetValue("local", "auto")).toBe("local");
    expect(await parseSetValue("abc def", "auto")).toBe("abc def");
  });

  it("--json5 and --strict-json refuse text that does not parse", async () => {
    await expect(parseSetValue("local", "json5")).rejects.toThrow(/invalid JSON5 value/);
    await expect(parseSetValue("{a:1}", "strict-json")).rejects.toThrow(/invalid JSON value/);
    expect(await parseSetValue('{"a":1}', "strict-json")).toEqual({ a: 1 });
  });
});
