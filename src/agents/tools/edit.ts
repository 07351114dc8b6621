// `edit`: replaces one exact, unique occurrence of a text in a workspace file, atomically.
// Uniqueness is what makes the edit safe to apply blind: an ambiguous match is an error.
import fs from "node:fs/promises";
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { fsError, ToolError, toolErrors } from "./errors.js";
import { looksBinary, writeFileAtomic } from "./fs-utils.js";
import { resolveInWorkspace } from "./workspace-path.js";

const EDIT_MAX_BYTES = 8 * 1024 * 1024;

const EditParams = Type.Object({
  path: Type.String({ minLength: 1, description: "File path, relative to the workspace (or absolute inside it)." }),
  oldText: Type.String({ minLength: 1, description: "Exact text to replace; must occur exactly once in the file." }),
  newText: Type.String({ description: "Replacement text." }),
});

/** Occurrences of `needle`, overlapping ones included (so "aa" in "aaa" is ambiguous, as it should be). */
export function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count++;
  return count;
}

export function createEditTool() {
  return defineTool({
    name: "edit",
    description:
      "Replace text in a workspace file. oldText must match the file exactly (whitespace included) and occur " +
      "exactly once; add surrounding lines to make it unique. Read the file first.",
    parameters: EditParams,
    async run(args, ctx) {
      const abs = await resolveInWorkspace(ctx.workspace, args.path);
      const stat = await fs.stat(abs).catch((err: unknown) => {
        throw fsError(err, args.path);
      });
      if (stat.isDirectory()) throw toolErrors.isDirectory(args.path, "edit works on files");
      if (!stat.isFile()) throw toolErrors.notAFile(args.path);
      if (stat.size > EDIT_MAX_BYTES) throw new ToolError(`file too large to edit: ${args.path} (${stat.size} bytes; limit ${EDIT_MAX_BYTES})`);
      const raw = await fs.readFile(abs);
      if (looksBinary(raw.subarray(0, 8192))) throw new ToolError(`refusing to edit binary file: ${args.path}`);
      const text = raw.toString("utf8");

      let oldText = args.oldText;
      let newText = args.newText;
      let count = countOccurrences(text, oldText);
      // Models write "\n"; a CRLF file needs "\r\n". Retry in the file's own line endings.
      if (count === 0 && text.includes("\r\n") && oldText.includes("\n") && !oldText.includes("\r\n")) {
        oldText = oldText.replaceAll("\n", "\r\n");
        newText = newText.replaceAll(/\r?\n/g, "\r\n");
        count = countOccurrences(text, oldText);
      }
      if (count === 0) {
        throw new ToolError(`oldText not found in ${args.path} (0 occurrences); read the file and copy the text exactly`);
      }
      if (count > 1) {
        throw new ToolError(`oldText occurs ${count} times in ${args.path}; include more surrounding text so it matches exactly once`);
      }
      const at = text.indexOf(oldText);
      // Slicing, not String.replace: newText may contain `$&` and friends.
      const updated = text.slice(0, at) + newText + text.slice(at + oldText.length);
      try {
        await writeFileAtomic(abs, updated);
      } catch (err) {
        throw fsError(err, args.path);
      }
      const line = text.slice(0, at).split("\n").length;
      return {
        content: `Edited ${args.path}: replaced 1 occurrence at line ${line}`,
        details: { path: args.path, line, removedChars: oldText.length, addedChars: newText.length },
      };
    },
  });
}
