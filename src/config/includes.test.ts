import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { MAX_INCLUDE_DEPTH, resolveIncludes } from "./includes.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "openclaw-includes-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

async function resolveTop(root: unknown) {
  return resolveIncludes(root, path.join(dir, "openclaw.json"), { rootDir: dir });
}

async function failure(root: unknown): Promise<ConfigError> {
  try {
    await resolveTop(root);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected resolveIncludes to fail");
}

describe("resolveIncludes", () => {
  it("returns trees without $include unchanged", async () => {
    const root = { gateway: { port: 1 }, list: [{ a: 1 }] };
    expect(await resolveTop(root)).toEqual({ value: root, includedPaths: [] });
  });

  it("replaces the containing object with a single included file", async () => {
    const agents = await put("agents.json5", "// comment\n{ list: [{ id: 'main' }], defaults: { workspace: '/w' } }");
    const result = await resolveTop({ gateway: { port: 1 }, agents: { $include: "./agents.json5" } });
    expect(result.value).toEqual({ gateway: { port: 1 }, agents: { list: [{ id: "main" }], defaults: { workspace: "/w" } } });
    expect(result.includedPaths).toEqual([agents]);
  });

  it("lets sibling keys deep-override the included value", async () => {
    await put("gw.json5", { port: 1, auth: { mode: "token", token: "a" }, bind: "lan" });
    const result = await resolveTop({ gateway: { $include: "gw.json5", port: 2, auth: { token: "b" } } });
    expect(result.value).toEqual({ gateway: { port: 2, auth: { mode: "token", token: "b" }, bind: "lan" } });
  });

  it("deep-merges an array of files in order, then applies siblings", async () => {
    await put("clients/a.json5", { x: { one: 1, shared: "a" }, list: [1] });
    await put("clients/b.json5", { x: { two: 2, shared: "b" }, list: [2] });
    const result = await resolveTop({ broadcast: { $include: ["clients/a.json5", "clients/b.json5"], list: [3] } });
    expect(result.value).toEqual({ broadcast: { x: { one: 1, two: 2, shared: "b" }, list: [3] } });
    expect(result.includedPaths).toEqual([path.join(dir, "clients/a.json5"), path.join(dir, "clients/b.json5")]);
  });

  it("resolves nested includes relative to the including file, and at the root", async () => {
    await put("sub/main.json5", { agents: { $include: "./deeper/agents.json5" } });
    await put("sub/deeper/agents.json5", { list: [{ id: "x" }] });
    const result = await resolveTop({ $include: "sub/main.json5", gateway: { mode: "local" } });
    expect(result.value).toEqual({ agents: { list: [{ id: "x" }] }, gateway: { mode: "local" } });
    expect(result.includedPaths).toHaveLength(2);
  });

  it("resolves includes inside arrays and allows a file included twice without a cycle", async () => {
    await put("item.json5", { id: "same" });
    const result = await resolveTop({ list: [{ $include: "item.json5" }, { $include: "item.json5", extra: 1 }] });
    expect(result.value).toEqual({ list: [{ id: "same" }, { id: "same", extra: 1 }] });
    expect(result.includedPaths).toEqual([path.join(dir, "item.json5")]);
  });

  it("uses an injected reader", async () => {
    const reads: string[] = [];
    const result = await resolveIncludes({ a: { $include: "v.json5" } }, path.join(dir, "openclaw.json"), {
      rootDir: dir,
      readFile: (p) => {
        reads.push(p);
        return "{ virtual: true }";
      },
    });
    expect(result.value).toEqual({ a: { virtual: true } });
    expect(reads).toEqual([path.join(dir, "v.json5")]);
  });

  it("reports a missing file in the including file", async () => {
    const error = await failure({ agents: { $include: "nope.json5" } });
    expect(error.issues).toEqual([
      { file: path.join(dir, "openclaw.json"), path: "agents.$include", message: `$include file not found: ${path.join(dir, "nope.json5")}` },
    ]);
  });

  it("refuses paths that escape the config directory", async () => {
    for (const spec of ["../outside.json5", "/etc/passwd", "sub/../../x.json5"]) {
      const error = await failure({ a: { $include: spec } });
      expect(error.issues[0]?.message).toBe(`$include path escapes the config directory: ${spec}`);
    }
  });

  it("allows absolute paths that stay inside the config directory", async () => {
    const file = await put("inside.json5", { ok: true });
    expect((await resolveTop({ a: { $include: file } })).value).toEqual({ a: { ok: true } });
  });

  it("names the included file, line and column on a parse error", async () => {
    const bad = await put("bad.json5", "{\n  a: 1,\n  b: @\n}");
    const error = await failure({ x: { $include: "bad.json5" } });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.file).toBe(bad);
    expect(error.issues[0]?.message).toMatch(/^JSON5 parse error at line 3, column 6: invalid character '@'/);
  });

  it("detects cycles and shows the chain", async () => {
    await put("a.json5", { $include: "b.json5" });
    await put("b.json5", { nested: { $include: "a.json5" } });
    const error = await failure({ top: { $include: "a.json5" } });
    expect(error.issues[0]).toEqual({
      file: path.join(dir, "b.json5"),
      path: "nested.$include",
      message: "$include cycle: openclaw.json -> a.json5 -> b.json5 -> a.json5",
    });
  });

  it("allows 10 levels of nesting and rejects the 11th", async () => {
    for (let i = 1; i < MAX_INCLUDE_DEPTH; i++) await put(`l${i}.json5`, { [`l${i}`]: { $include: `l${i + 1}.json5` } });
    await put(`l${MAX_INCLUDE_DEPTH + 1}.json5`, { leaf: true });
    await put(`l${MAX_INCLUDE_DEPTH}.json5`, { [`l${MAX_INCLUDE_DEPTH}`]: true });
    expect((await resolveTop({ $include: "l1.json5" })).includedPaths).toHaveLength(MAX_INCLUDE_DEPTH);

    await put(`l${MAX_INCLUDE_DEPTH}.json5`, { [`l${MAX_INCLUDE_DEPTH}`]: { $include: `l${MAX_INCLUDE_DEPTH + 1}.json5` } });
    const error = await failure({ $include: "l1.json5" });
    expect(error.issues[0]?.message).toBe("$include nesting exceeds 10 levels");
    expect(error.issues[0]?.file).toBe(path.join(dir, `l${MAX_INCLUDE_DEPTH}.json5`));
  });

  it("rejects bad $include values and non-object includes with siblings", async () => {
    expect((await failure({ a: { $include: 5 } })).issues[0]?.message).toMatch(/^\$include must be/);
    await put("ok.json5", { ok: true });
    expect((await failure({ a: { $include: ["ok.json5", ""] } })).issues[0]).toMatchObject({
      path: "a.$include.1",
      message: "$include must be a non-empty path or an array of paths",
    });
    await put("list.json5", [1, 2]);
    expect((await resolveTop({ a: { $include: "list.json5" } })).value).toEqual({ a: [1, 2] });
    expect((await failure({ a: { $include: "list.json5", b: 1 } })).issues[0]?.message).toMatch(/requires the included file to contain an object/);
  });
});
