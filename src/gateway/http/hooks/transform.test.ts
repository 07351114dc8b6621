import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTransform, TransformLoader, transformPathProblem } from "./transform.js";

let root: string;
let dir: string;
const ctx = { payload: { n: 2 }, headers: {}, path: "x" };

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "oc-transform-"));
  dir = path.join(root, "transforms");
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, "double.mjs"), "export default ({ payload }) => ({ message: `n=${payload.n * 2}` });\n");
  await fs.writeFile(path.join(dir, "named.mjs"), "export const pick = async () => null;\nexport default 42;\n");
  await fs.writeFile(path.join(root, "outside.mjs"), "export default () => ({ message: 'escaped' });\n");
  await fs.symlink(path.join(root, "outside.mjs"), path.join(dir, "link.mjs"));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe("transform paths", () => {
  it("must stay inside the directory and be .js or .mjs", () => {
    expect(transformPathProblem("/t", "a.mjs")).toBeNull();
    expect(transformPathProblem("/t", "sub/a.js")).toBeNull();
    expect(transformPathProblem("/t", "../a.mjs")).toMatch(/outside hooks.transformsDir/);
    expect(transformPathProblem("/t", "/etc/a.mjs")).toMatch(/outside hooks.transformsDir/);
    expect(transformPathProblem("/t", ".")).toMatch(/outside/);
    expect(transformPathProblem("/t", "a.cjs")).toBe('transform module "a.cjs" must be a .js or .mjs file');
  });
});

describe("TransformLoader", () => {
  it("imports the default export and runs it", async () => {
    const fn = await new TransformLoader().load(dir, "double.mjs", "default");
    expect(await runTransform(fn, ctx)).toEqual({ message: "n=4" });
  });

  it("imports a named export; a non-function export is refused", async () => {
    const loader = new TransformLoader();
    expect(await runTransform(await loader.load(dir, "named.mjs", "pick"), ctx)).toBeNull();
    await expect(loader.load(dir, "named.mjs", "default")).rejects.toThrow('has no function export "default"');
  });

  it("refuses a symlink that leads outside the directory", async () => {
    await expect(new TransformLoader().load(dir, "link.mjs", "default")).rejects.toThrow("resolves outside hooks.transformsDir");
  });

  it("re-imports a module after it changes", async () => {
    const file = path.join(dir, "live.mjs");
    const loader = new TransformLoader();
    await fs.writeFile(file, "export default () => ({ v: 1 });\n");
    expect(await runTransform(await loader.load(dir, "live.mjs", "default"), ctx)).toEqual({ v: 1 });
    await fs.writeFile(file, "export default () => ({ v: 2 });\n");
    const later = new Date(Date.now() + 5000);
    await fs.utimes(file, later, later);
    expect(await runTransform(await loader.load(dir, "live.mjs", "default"), ctx)).toEqual({ v: 2 });
  });
});

describe("runTransform", () => {
  it("null drops, undefined keeps the mapping, anything else but an object fails", async () => {
    expect(await runTransform(() => null, ctx)).toBeNull();
    expect(await runTransform(() => undefined, ctx)).toEqual({});
    await expect(runTransform(() => "x", ctx)).rejects.toThrow("transform must return an object or null");
    await expect(runTransform(() => [1], ctx)).rejects.toThrow("transform must return an object or null");
  });

  it("a throwing or hanging transform fails", async () => {
    await expect(runTransform(() => { throw new Error("boom"); }, ctx)).rejects.toThrow("boom");
    await expect(runTransform(() => new Promise(() => {}), ctx, 20)).rejects.toThrow("transform did not finish within 20ms");
  });
});
