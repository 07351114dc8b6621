import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFindTool, FIND_MAX_RESULTS, globToRegExp, pathMatcher } from "./find.js";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";

let ws: TestWorkspace;
const find = createFindTool();
beforeEach(async () => {
  ws = await createTestWorkspace();
  for (const f of ["README.md", "src/index.ts", "src/lib/util.ts", "src/lib/util.test.ts", "docs/guide.md", "node_modules/x/index.ts", ".git/HEAD"]) {
    await ws.write(f, "x");
  }
});
afterEach(() => ws.cleanup());

const lines = async (args: Record<string, unknown>) => (await find.execute(args, ws.ctx)).content.split("\n");

describe("globToRegExp / pathMatcher", () => {
  it("supports *, **, ?, [..] and {a,b}", () => {
    expect(globToRegExp("**/*.ts").test("a/b/c.ts")).toBe(true);
    expect(globToRegExp("**/*.ts").test("c.ts")).toBe(true);
    expect(globToRegExp("src/*.ts").test("src/a/b.ts")).toBe(false);
    expect(globToRegExp("src/**").test("src/a/b.ts")).toBe(true);
    expect(globToRegExp("file?.[jt]s").test("file1.ts")).toBe(true);
    expect(globToRegExp("*.{md,txt}").test("a.txt")).toBe(true);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
  });

  it("matches names at any depth for globs without a slash, substrings case-insensitively", () => {
    expect(pathMatcher("*.md")("docs/guide.md")).toBe(true);
    expect(pathMatcher("UTIL")("src/lib/util.ts")).toBe(true);
    expect(pathMatcher("./src/*.ts")("src/index.ts")).toBe(true);
  });
});

describe("find", () => {
  it("finds by glob, skipping node_modules and .git", async () => {
    expect(await lines({ pattern: "**/*.ts" })).toEqual(["src/index.ts", "src/lib/util.test.ts", "src/lib/util.ts"]);
    expect(await lines({ pattern: "*.md" })).toEqual(["README.md", "docs/guide.md"]);
    expect(await lines({ pattern: "HEAD" })).toEqual(['no matches for "HEAD" under .']);
  });

  it("finds by substring, directories marked with /, paths relative to the workspace", async () => {
    expect(await lines({ pattern: "lib" })).toEqual(["src/lib/", "src/lib/util.test.ts", "src/lib/util.ts"]);
    expect(await lines({ pattern: "*.ts", path: "src/lib" })).toEqual(["src/lib/util.test.ts", "src/lib/util.ts"]);
  });

  it("bounds results", async () => {
    await Promise.all(Array.from({ length: FIND_MAX_RESULTS + 20 }, (_, i) => ws.write(`gen/f${i}.txt`, "")));
    const out = await lines({ pattern: "*.txt" });
    expect(out).toHaveLength(FIND_MAX_RESULTS + 1);
    expect(out.at(-1)).toMatch(/search stopped at 200 results/);
  });

  it("does not descend through symlinks and refuses escapes", async () => {
    await fs.symlink(ws.outside, path.join(ws.root, "out"));
    expect(await lines({ pattern: "secret" })).toEqual(['no matches for "secret" under .']);
    for (const p of ["..", ws.outside, "out"]) {
      await expect(find.execute({ pattern: "*", path: p }, ws.ctx)).rejects.toThrow(`path escapes the workspace: ${p}`);
    }
  });
});
