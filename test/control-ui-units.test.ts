// The Control UI's pure modules, run in Node: the editor's schema checker against the real config
// schema (it must agree with the gateway's validator on what is valid), and the review diff.
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../src/config/schema.js";
import { validateConfig } from "../src/config/validate.js";
import { createSchemaChecker } from "../ui/src/schema-check.js";
import { lineDiff } from "../ui/src/line-diff.js";

const check = createSchemaChecker(configJsonSchema());

describe("editor schema checker", () => {
  const valid = [
    {},
    { gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: "abc" } }, logging: { level: "debug" } },
    { gateway: { auth: { token: { source: "env", provider: "default", id: "GW_TOKEN" } } } },
    { gateway: { controlUi: { basePath: "/console", allowedOrigins: ["https://a.example"] } } },
    { agents: { defaults: { model: "fake/fake-model" } }, models: { providers: { fake: { baseUrl: "http://127.0.0.1:1/v1", models: [{ id: "m" }] } } } },
  ];
  const invalid = [
    { gateway: { mode: "cloud" } },
    { logging: { level: "loud" } },
    { gateway: { controlUi: { enabled: "yes" } } },
    { gateway: { port: -1 } },
    { unknownTopLevel: true },
    { gateway: { auth: { token: 12 } } },
  ];
  it("accepts what the gateway accepts and rejects what it rejects", () => {
    for (const v of valid) {
      expect(validateConfig(v, "x.json"), JSON.stringify(v)).toEqual([]);
      expect(check(v), JSON.stringify(v)).toEqual([]);
    }
    for (const v of invalid) {
      expect(validateConfig(v, "x.json").length, JSON.stringify(v)).toBeGreaterThan(0);
      expect(check(v).length, JSON.stringify(v)).toBeGreaterThan(0);
    }
  });

  it("names the path of the problem", () => {
    expect(check({ logging: { level: "loud" } })[0]!.path).toBe("logging.level");
    expect(check({ gateway: { controlUi: { enabled: "yes" } } })).toEqual([{ path: "gateway.controlUi.enabled", message: "expected boolean, got string" }]);
    expect(check({ gateway: { nope: 1 } })).toEqual([{ path: "gateway.nope", message: "unknown key" }]);
    expect(check([])).toEqual([{ path: "", message: "expected object, got array" }]);
  });

  it("survives odd schemas: unknown refs pass, boolean schemas and deep nesting are bounded", () => {
    const c = createSchemaChecker({ type: "object", properties: { a: { $ref: "#/nowhere" }, b: false, c: { $ref: "Self" } }, $defs: { s: { $id: "Self", type: "object", properties: { c: { $ref: "Self" } } } } });
    expect(c({ a: 1 })).toEqual([]);
    expect(c({ b: 1 })).toEqual([{ path: "b", message: "not allowed" }]);
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 200; i++) deep = (deep.c = {}) as Record<string, unknown>;
    expect(c(root)).toEqual([]);
  });
});

describe("review diff", () => {
  it("marks removed and added lines around unchanged ones", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { op: " ", text: "a" }, { op: "-", text: "b" }, { op: "+", text: "B" }, { op: " ", text: "c" }, { op: "+", text: "d" },
    ]);
    expect(lineDiff("same", "same")).toEqual([{ op: " ", text: "same" }]);
    expect(lineDiff("", "x")).toEqual([{ op: "-", text: "" }, { op: "+", text: "x" }]);
  });
  it("falls back to remove-all/add-all for huge inputs instead of a quadratic table", () => {
    const big = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join("\n");
    const out = lineDiff(big, `${big}\nmore`);
    expect(out.filter((d) => d.op === "-")).toHaveLength(3000);
    expect(out.filter((d) => d.op === "+")).toHaveLength(3001);
  });
});
