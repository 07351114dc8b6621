import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";
import { resolveInWorkspace, workspaceRelative } from "./workspace-path.js";

let ws: TestWorkspace;
let real: string;
beforeEach(async () => {
  ws = await createTestWorkspace();
  real = await fs.realpath(ws.root);
});
afterEach(() => ws.cleanup());

describe("resolveInWorkspace", () => {
  it("resolves relative and absolute paths inside the workspace, existing or not", async () => {
    await ws.write("src/a.ts", "x");
    expect(await resolveInWorkspace(ws.root, "src/a.ts")).toBe(path.join(real, "src/a.ts"));
    expect(await resolveInWorkspace(ws.root, path.join(ws.root, "src/a.ts"))).toBe(path.join(real, "src/a.ts"));
    expect(await resolveInWorkspace(ws.root, "new/deep/file.txt")).toBe(path.join(real, "new/deep/file.txt"));
    expect(await resolveInWorkspace(ws.root, ".")).toBe(real);
    expect(await resolveInWorkspace(ws.root, "")).toBe(real);
    expect(await resolveInWorkspace(ws.root, "src/../src/a.ts")).toBe(path.join(real, "src/a.ts"));
  });

  it("refuses `..` escapes and absolute paths outside, with one line naming the input", async () => {
    await expect(resolveInWorkspace(ws.root, "../outside/secret.txt")).rejects.toThrow(
      /^path escapes the workspace: \.\.\/outside\/secret\.txt$/,
    );
    await expect(resolveInWorkspace(ws.root, "a/../../x")).rejects.toThrow("path escapes the workspace: a/../../x");
    await expect(resolveInWorkspace(ws.root, "/etc/passwd")).rejects.toThrow("path escapes the workspace: /etc/passwd");
    await expect(resolveInWorkspace(ws.root, `${ws.root}-evil/x`)).rejects.toThrow("path escapes the workspace");
    await expect(resolveInWorkspace(ws.root, "a\0b")).rejects.toThrow("path escapes the workspace");
  });

  it("refuses symlinks that lead outside, including through a parent and when dangling", async () => {
    await fs.symlink(ws.outside, path.join(ws.root, "out-dir"));
    await fs.symlink(path.join(ws.outside, "secret.txt"), path.join(ws.root, "out-file"));
    await fs.symlink(path.join(ws.outside, "not-yet"), path.join(ws.root, "dangling"));
    await expect(resolveInWorkspace(ws.root, "out-dir")).rejects.toThrow("path escapes the workspace: out-dir");
    await expect(resolveInWorkspace(ws.root, "out-dir/secret.txt")).rejects.toThrow("path escapes the workspace");
    await expect(resolveInWorkspace(ws.root, "out-dir/new/file")).rejects.toThrow("path escapes the workspace");
    await expect(resolveInWorkspace(ws.root, "out-file")).rejects.toThrow("path escapes the workspace");
    await expect(resolveInWorkspace(ws.root, "dangling")).rejects.toThrow("path escapes the workspace");
  });

  it("allows symlinks that stay inside, resolving them", async () => {
    await ws.write("real/file.txt", "x");
    await fs.symlink(path.join(ws.root, "real"), path.join(ws.root, "alias"));
    await fs.symlink("real/missing.txt", path.join(ws.root, "dangling-inside"));
    expect(await resolveInWorkspace(ws.root, "alias/file.txt")).toBe(path.join(real, "real/file.txt"));
    expect(await resolveInWorkspace(ws.root, "dangling-inside")).toBe(path.join(real, "real/missing.txt"));
  });

  it("accepts a workspace that is itself reached through a symlink", async () => {
    const link = `${ws.outside}/ws-link`;
    await fs.symlink(ws.root, link);
    await ws.write("a.txt", "x");
    expect(await resolveInWorkspace(link, "a.txt")).toBe(path.join(real, "a.txt"));
    expect(await resolveInWorkspace(link, path.join(ws.root, "a.txt"))).toBe(path.join(real, "a.txt"));
    await expect(resolveInWorkspace(link, "../secret.txt")).rejects.toThrow("path escapes the workspace");
  });

  it("says so when the workspace itself is missing", async () => {
    await expect(resolveInWorkspace(path.join(ws.root, "gone"), "a.txt")).rejects.toThrow(`workspace not found: ${path.join(ws.root, "gone")}`);
  });

  it("workspaceRelative gives /-separated paths relative to the workspace", async () => {
    expect(await workspaceRelative(ws.root, path.join(real, "a/b.txt"))).toBe("a/b.txt");
    expect(await workspaceRelative(ws.root, real)).toBe(".");
  });
});
