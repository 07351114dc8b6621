// Test support (not shipped by any tool): a temp workspace beside an "outside" directory, and a
// ToolContext for it. Tests create their escape fixtures between the two.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ToolContext } from "./types.js";

export interface TestWorkspace {
  /** The workspace (absolute). */
  root: string;
  /** A sibling directory outside the workspace, holding `secret.txt`. */
  outside: string;
  ctx: ToolContext;
  write(rel: string, content: string | Buffer): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createTestWorkspace(): Promise<TestWorkspace> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "oc-tools-"));
  const root = path.join(base, "workspace");
  const outside = path.join(base, "outside");
  await fs.mkdir(root);
  await fs.mkdir(outside);
  await fs.writeFile(path.join(outside, "secret.txt"), "top secret\n");
  return {
    root,
    outside,
    ctx: { workspace: root, signal: new AbortController().signal, agentId: "main", sessionKey: "agent:main:main" },
    async write(rel, content) {
      const file = path.join(root, rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
      return file;
    },
    cleanup: () => fs.rm(base, { recursive: true, force: true }),
  };
}
