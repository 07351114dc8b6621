import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";
import { createWriteTool } from "./write.js";

let ws: TestWorkspace;
const write = createWriteTool();
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(() => ws.cleanup());

describe("write", () => {
  it("creates parent directories and the file", async () => {
    const result = await write.execute({ path: "a/b/c.txt", content: "héllo\n" }, ws.ctx);
    expect(result.content).toBe("Created a/b/c.txt (7 bytes)");
    expect(await fs.readFile(path.join(ws.root, "a/b/c.txt"), "utf8")).toBe("héllo\n");
  });

  it("replaces an existing file atomically, keeping its mode and leaving no temp files", async () => {
    const file = await ws.write("run.sh", "old");
    await fs.chmod(file, 0o750);
    const result = await write.execute({ path: "run.sh", content: "new" }, ws.ctx);
    expect(result.content).toBe("Replaced run.sh (3 bytes)");
    expect(await fs.readFile(file, "utf8")).toBe("new");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o750);
    expect(await fs.readdir(ws.root)).toEqual(["run.sh"]);
  });

  it("writes through a symlink that stays inside, replacing the target", async () => {
    const target = await ws.write("real.txt", "old");
    await fs.symlink(target, path.join(ws.root, "alias.txt"));
    await write.execute({ path: "alias.txt", content: "new" }, ws.ctx);
    expect(await fs.readFile(target, "utf8")).toBe("new");
    expect((await fs.lstat(path.join(ws.root, "alias.txt"))).isSymbolicLink()).toBe(true);
  });

  it("refuses to write over a directory", async () => {
    await fs.mkdir(path.join(ws.root, "dir"));
    await expect(write.execute({ path: "dir", content: "x" }, ws.ctx)).rejects.toThrow("is a directory: dir");
  });

  it("refuses escapes and creates nothing outside", async () => {
    await fs.symlink(ws.outside, path.join(ws.root, "out"));
    await fs.symlink(path.join(ws.outside, "planted.txt"), path.join(ws.root, "dangling"));
    await fs.symlink(path.join(ws.outside, "secret.txt"), path.join(ws.root, "secret-link"));
    const attempts = ["../outside/new.txt", path.join(ws.outside, "new.txt"), "out/new.txt", "out/deep/new.txt", "dangling", "secret-link"];
    for (const p of attempts) {
      await expect(write.execute({ path: p, content: "pwned" }, ws.ctx)).rejects.toThrow(`path escapes the workspace: ${p}`);
    }
    expect((await fs.readdir(ws.outside)).sort()).toEqual(["secret.txt"]);
    expect(await fs.readFile(path.join(ws.outside, "secret.txt"), "utf8")).toBe("top secret\n");
  });
});
