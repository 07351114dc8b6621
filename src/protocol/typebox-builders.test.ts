import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Type as TypeBox } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { Type } from "./typebox-builders.js";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

describe("typebox-builders (the bundle's stand-in for TypeBox's Type)", () => {
  it("has every Type.X that src/ uses", () => {
    const used = new Set<string>();
    for (const file of sourceFiles(SRC).filter((f) => !f.endsWith("typebox-builders.ts"))) {
      const text = fs.readFileSync(file, "utf8");
      if (!text.includes('"@sinclair/typebox"')) continue;
      for (const m of text.matchAll(/\bType\.([A-Z][A-Za-z]*)\b/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => typeof (Type as Record<string, unknown>)[name] !== "function")).toEqual([]);
  });

  it("builds the same schemas as TypeBox's Type", () => {
    const build = (T: typeof Type) =>
      T.Object(
        {
          a: T.String({ minLength: 1 }),
          b: T.Optional(T.Union([T.Literal("x"), T.Number(), T.Null()])),
          c: T.Record(T.String(), T.Unknown()),
          d: T.Array(T.Integer({ minimum: 0 }), { maxItems: 3 }),
          e: T.Partial(T.Object({ z: T.Boolean() })),
          f: T.Unsafe<string>({ type: "string", format: "x" }),
        },
        { additionalProperties: false, $id: "Sample" },
      );
    const ours = build(Type);
    const theirs = build(TypeBox as unknown as typeof Type);
    expect(ours).toEqual(theirs);
    // TypeBox's symbol-keyed metadata (Kind, OptionalKind) too.
    expect(Reflect.ownKeys(ours.properties.b)).toEqual(Reflect.ownKeys(theirs.properties.b));
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
  });
});
