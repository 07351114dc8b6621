import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLsTool, LS_MAX_ENTRIES } from "./ls.js";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";

let ws: TestWorkspace;
const ls = createLsTool();
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(() => ws.cleanup());

describe("ls", () => {
  it("lists entries with type and size, symlinks shown but not followed", async () => {
    await ws.write("b.txt", "12345");
    await fs.mkdir(path.join(ws.root, "a-dir"));
    await fs.symlink("b.txt", path.join(ws.root, "c-link"));
    const result = await ls.execute({}, ws.ctx);
    expect(result.content.split("\n")).toEqual([
      "dir            -  a-dir/",
      "file           5  b.txt",
      "link           -  c-link -> b.txt",
    ]);
  });

  it("lists a subdirectory and says when a directory is empty", async () => {
    await fs.mkdir(path.join(ws.root, "sub/inner"), { recursive: true });
    expect((await ls.execute({ path: "sub" }, ws.ctx)).content).toContain("inner/");
    expect((await ls.execute({ path: "sub/inner" }, ws.ctx)).content).toBe("(empty directory)");
  });

  it("bounds the number of entries", async () => {
    await fs.mkdir(path.join(ws.root, "many"));
    await Promise.all(Array.from({ length: LS_MAX_ENTRIES + 7 }, (_, i) => fs.writeFile(path.join(ws.root, "many", `f${i}`), "")));
    const result = await ls.execute({ path: "many" }, ws.ctx);
    expect(result.content.split("\n")).toHaveLength(LS_MAX_ENTRIES + 1);
    expect(result.content).toContain("[7 more entries not shown");
  });

  it("refuses files, missing paths and escapes", async () => {
    await ws.write("f.txt", "x");
    await fs.symlink(ws.outside, path.join(ws.root, "out"));
    await expect(ls.execute({ path: "f.txt" }, ws.ctx)).rejects.toThrow("not a directory: f.txt");
    await expect(ls.execute({ path: "nope" }, ws.ctx)).rejects.toThrow("not found: nope");
    for (const p of ["..", ws.outside, "out", "out/"]) {
      await expect(ls.execute({ path: p }, ws.ctx)).rejects.toThrow(`path escapes the workspace: ${p}`);
    }
  });
});
