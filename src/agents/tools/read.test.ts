import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReadTool, READ_MAX_BYTES } from "./read.js";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";

let ws: TestWorkspace;
const read = createReadTool();
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(() => ws.cleanup());

describe("read", () => {
  it("returns numbered lines", async () => {
    await ws.write("notes.txt", "alpha\nbeta\r\ngamma\n");
    const result = await read.execute({ path: "notes.txt" }, ws.ctx);
    expect(result.content).toBe("     1\talpha\n     2\tbeta\n     3\tgamma");
    expect(result.isError).toBeUndefined();
  });

  it("pages with offset and limit and says how to continue", async () => {
    await ws.write("n.txt", Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n"));
    const page = await read.execute({ path: "n.txt", offset: 3, limit: 2 }, ws.ctx);
    expect(page.content).toContain("     3\tline 3\n     4\tline 4");
    expect(page.content).toContain("offset=5");
    expect(page.details).toMatchObject({ firstLine: 3, lastLine: 4, truncated: true });
    const tail = await read.execute({ path: "n.txt", offset: 9 }, ws.ctx);
    expect(tail.content).toBe("     9\tline 9\n    10\tline 10");
    await expect(read.execute({ path: "n.txt", offset: 11 }, ws.ctx)).rejects.toThrow("offset 11 is past the end of n.txt (10 lines)");
  });

  it("caps output at 256 KiB and says how to page on", async () => {
    const line = "x".repeat(1000);
    await ws.write("big.txt", Array.from({ length: 400 }, () => line).join("\n"));
    const result = await read.execute({ path: "big.txt" }, ws.ctx);
    expect(Buffer.byteLength(result.content)).toBeLessThan(READ_MAX_BYTES + 300);
    expect(result.content).toMatch(/output capped at 256 KiB: lines 1-\d+ shown; call read with offset=\d+/);
    const last = (result.details as { lastLine: number }).lastLine;
    const next = await read.execute({ path: "big.txt", offset: last + 1, limit: 5 }, ws.ctx);
    expect(next.content.startsWith(`${String(last + 1).padStart(6)}\t`)).toBe(true);
  });

  it("cuts very long lines", async () => {
    await ws.write("min.js", "y".repeat(10_000));
    const result = await read.execute({ path: "min.js" }, ws.ctx);
    expect(result.content).toContain("[line truncated: 10000 chars]");
    expect(result.content.length).toBeLessThan(2100);
  });

  it("refuses binary files, directories and missing files with clear messages", async () => {
    await ws.write("img.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    await fs.mkdir(path.join(ws.root, "dir"));
    await expect(read.execute({ path: "img.png" }, ws.ctx)).rejects.toThrow("refusing to read binary file: img.png (7 bytes)");
    await expect(read.execute({ path: "dir" }, ws.ctx)).rejects.toThrow("is a directory: dir (use ls to list it)");
    await expect(read.execute({ path: "nope.txt" }, ws.ctx)).rejects.toThrow("not found: nope.txt");
  });

  it("says when a file is empty", async () => {
    await ws.write("empty.txt", "");
    expect((await read.execute({ path: "empty.txt" }, ws.ctx)).content).toBe("(empty file)");
  });

  it("refuses paths that escape the workspace", async () => {
    await fs.symlink(path.join(ws.outside, "secret.txt"), path.join(ws.root, "link.txt"));
    await fs.symlink(ws.outside, path.join(ws.root, "linkdir"));
    for (const p of ["../outside/secret.txt", path.join(ws.outside, "secret.txt"), "link.txt", "linkdir/secret.txt"]) {
      await expect(read.execute({ path: p }, ws.ctx)).rejects.toThrow(`path escapes the workspace: ${p}`);
    }
  });
});
