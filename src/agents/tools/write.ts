// `write`: creates or replaces a file in the workspace atomically, making parent directories.
import fs from "node:fs/promises";
import path from "node:path";
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { fsError, toolErrors } from "./errors.js";
import { writeFileAtomic } from "./fs-utils.js";
import { resolveInWorkspace } from "./workspace-path.js";

const WriteParams = Type.Object({
  path: Type.String({ minLength: 1, description: "File path, relative to the workspace (or absolute inside it)." }),
  content: Type.String({ description: "The complete new content of the file." }),
});

export function createWriteTool() {
  return defineTool({
    name: "write",
    description:
      "Create or overwrite a file in the workspace with the given content. Parent directories are created. " +
      "To change part of an existing file, prefer edit.",
    parameters: WriteParams,
    async run(args, ctx) {
      const abs = await resolveInWorkspace(ctx.workspace, args.path);
      const existing = await fs.stat(abs).catch(() => undefined);
      if (existing?.isDirectory()) throw toolErrors.isDirectory(args.path, "cannot write over a directory");
      if (existing && !existing.isFile()) throw toolErrors.notAFile(args.path);
      try {
        await fs.mkdir(path.dirname(abs), { recursive: true });
        await writeFileAtomic(abs, args.content);
      } catch (err) {
        throw fsError(err, args.path);
      }
      const bytes = Buffer.byteLength(args.content);
      return {
        content: `${existing ? "Replaced" : "Created"} ${args.path} (${bytes} bytes)`,
        details: { path: args.path, bytes, created: !existing },
      };
    },
  });
}
