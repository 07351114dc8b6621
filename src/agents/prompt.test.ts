import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BootstrapCache, readBootstrap } from "./prompt.js";

let ws: string;
beforeEach(async () => {
  ws = await fs.mkdtemp(path.join(os.tmpdir(), "oc-prompt-"));
});
afterEach(async () => {
  await fs.rm(ws, { recursive: true, force: true });
});

describe("BootstrapCache", () => {
  it("gives what a fresh read gives, through edits, same-size edits, replacements, deletes and new files", async () => {
    const cache = new BootstrapCache();
    const same = async () => expect(await cache.read(ws)).toEqual(await readBootstrap(ws));
    await same();
    expect(await cache.read(ws)).toEqual([]);

    await fs.writeFile(path.join(ws, "AGENTS.md"), "be brief");
    await same();
    expect((await cache.read(ws)).map((f) => f.text)).toEqual(["be brief"]);

    // Same size, new bytes: the change time moves even when the size does not.
    await fs.writeFile(path.join(ws, "AGENTS.md"), "be terse");
    expect((await cache.read(ws)).map((f) => f.text)).toEqual(["be terse"]);

    // An editor's save: a new file renamed over the old one.
    await fs.writeFile(path.join(ws, "AGENTS.md.tmp"), "be kind");
    await fs.rename(path.join(ws, "AGENTS.md.tmp"), path.join(ws, "AGENTS.md"));
    await fs.writeFile(path.join(ws, "SOUL.md"), "  curious  \n");
    await same();
    expect((await cache.read(ws)).map((f) => `${f.name}=${f.text}`)).toEqual(["AGENTS.md=be kind", "SOUL.md=curious"]);

    await fs.rm(path.join(ws, "AGENTS.md"));
    await fs.writeFile(path.join(ws, "SOUL.md"), "   ");
    await same();
    expect(await cache.read(ws)).toEqual([]);
  });

  it("ignores a directory where a file is expected, and keeps workspaces apart", async () => {
    const other = await fs.mkdtemp(path.join(os.tmpdir(), "oc-prompt-"));
    try {
      await fs.mkdir(path.join(ws, "USER.md"));
      await fs.writeFile(path.join(other, "USER.md"), "Ada");
      const cache = new BootstrapCache();
      expect(await cache.read(ws)).toEqual([]);
      expect(await cache.read(other)).toEqual([{ name: "USER.md", text: "Ada" }]);
      expect(await cache.read(ws)).toEqual([]);
    } finally {
      await fs.rm(other, { recursive: true, force: true });
    }
  });
});
