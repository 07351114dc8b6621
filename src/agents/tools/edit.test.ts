import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countOccurrences, createEditTool } from "./edit.js";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";

let ws: TestWorkspace;
const edit = createEditTool();
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(() => ws.cleanup());

describe("edit", () => {
  it("replaces the one occurrence and reports the line", async () => {
    const file = await ws.write("a.ts", "const a = 1;\nconst b = 2;\n");
    const result = await edit.execute({ path: "a.ts", oldText: "b = 2", newText: "b = 3" }, ws.ctx);
    expect(result.content).toBe("Edited a.ts: replaced 1 occurrence at line 2");
    expect(await fs.readFile(file, "utf8")).toBe("const a = 1;\nconst b = 3;\n");
  });

  it("inserts newText literally ($& and $1 are not patterns)", async () => {
    const file = await ws.write("p.txt", "price: X\n");
    await edit.execute({ path: "p.txt", oldText: "X", newText: "$& $1 $$" }, ws.ctx);
    expect(await fs.readFile(file, "utf8")).toBe("price: $& $1 $$\n");
  });

  it("says how many times oldText occurs when it is not exactly once", async () => {
    const file = await ws.write("d.txt", "foo\nbar\nfoo\n");
    await expect(edit.execute({ path: "d.txt", oldText: "baz", newText: "x" }, ws.ctx)).rejects.toThrow(
      "oldText not found in d.txt (0 occurrences)",
    );
    await expect(edit.execute({ path: "d.txt", oldText: "foo", newText: "x" }, ws.ctx)).rejects.toThrow(
      "oldText occurs 2 times in d.txt; include more surrounding text",
    );
    expect(await fs.readFile(file, "utf8")).toBe("foo\nbar\nfoo\n");
  });

  it("counts overlapping occurrences as ambiguous", () => {
    expect(countOccurrences("aaa", "aa")).toBe(2);
    expect(countOccurrences("abc", "x")).toBe(0);
  });

  it("matches LF oldText in a CRLF file and keeps CRLF", async () => {
    const file = await ws.write("w.txt", "one\r\ntwo\r\nthree\r\n");
    await edit.execute({ path: "w.txt", oldText: "one\ntwo", newText: "uno\ndos" }, ws.ctx);
    expect(await fs.readFile(file, "utf8")).toBe("uno\r\ndos\r\nthree\r\n");
  });

  it("refuses missing files and escapes, leaving outside files untouched", async () => {
    await expect(edit.execute({ path: "missing.txt", oldText: "a", newText: "b" }, ws.ctx)).rejects.toThrow("not found: missing.txt");
    await fs.symlink(path.join(ws.outside, "secret.txt"), path.join(ws.root, "link.txt"));
    await fs.symlink(ws.outside, path.join(ws.root, "out"));
    for (const p of ["../outside/secret.txt", path.join(ws.outside, "secret.txt"), "link.txt", "out/secret.txt"]) {
      await expect(edit.execute({ path: p, oldText: "secret", newText: "public" }, ws.ctx)).rejects.toThrow(
        `path escapes the workspace: ${p}`,
      );
    }
    expect(await fs.readFile(path.join(ws.outside, "secret.txt"), "utf8")).toBe("top secret\n");
  });
});
