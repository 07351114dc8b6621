// `ls`: one workspace directory's entries with type and size, bounded. Symlinks are shown, never followed.
import fs from "node:fs/promises";
import path from "node:path";
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { fsError, toolErrors } from "./errors.js";
import { resolveInWorkspace } from "./workspace-path.js";

export const LS_MAX_ENTRIES = 500;

const LsParams = Type.Object({
  path: Type.Optional(Type.String({ description: "Directory, relative to the workspace. Default: the workspace itself." })),
});

type EntryType = "dir" | "file" | "link" | "other";

async function describe(dir: string, name: string): Promise<{ type: EntryType; size?: number; target?: string }> {
  const full = path.join(dir, name);
  const stat = await fs.lstat(full).catch(() => undefined);
  if (!stat) return { type: "other" };
  if (stat.isDirectory()) return { type: "dir" };
  if (stat.isFile()) return { type: "file", size: stat.size };
  if (stat.isSymbolicLink()) return { type: "link", target: await fs.readlink(full).catch(() => "?") };
  return { type: "other" };
}

export function createLsTool() {
  return defineTool({
    name: "ls",
    description: `List a directory in the workspace: one entry per line as type (dir, file, link, other), size in bytes, name. At most ${LS_MAX_ENTRIES} entries.`,
    parameters: LsParams,
    async run(args, ctx) {
      const shown = args.path ?? ".";
      const abs = await resolveInWorkspace(ctx.workspace, shown);
      const stat = await fs.stat(abs).catch((err: unknown) => {
        throw fsError(err, shown);
      });
      if (!stat.isDirectory()) throw toolErrors.notADirectory(shown);
      const names = (await fs.readdir(abs)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const listed = names.slice(0, LS_MAX_ENTRIES);
      const entries = await Promise.all(listed.map(async (name) => ({ name, ...(await describe(abs, name)) })));
      const lines = entries.map((e) => {
        const name = e.type === "dir" ? `${e.name}/` : e.type === "link" ? `${e.name} -> ${e.target}` : e.name;
        return `${e.type.padEnd(5)} ${(e.size === undefined ? "-" : String(e.size)).padStart(10)}  ${name}`;
      });
      if (names.length === 0) lines.push("(empty directory)");
      if (names.length > listed.length) lines.push(`[${names.length - listed.length} more entries not shown; use find to narrow down]`);
      return { content: lines.join("\n"), details: { path: shown, total: names.length, shown: listed.length } };
    },
  });
}
