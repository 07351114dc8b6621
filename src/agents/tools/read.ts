// `read`: a text file from the workspace with numbered lines, paged by offset/limit and capped
// in size so one call cannot flood the context window.
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { createInterface } from "node:readline";
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { fsError, ToolError, toolErrors } from "./errors.js";
import { looksBinary, sniffFile } from "./fs-utils.js";
import { resolveInWorkspace } from "./workspace-path.js";

/** Most output one call returns (numbered lines included). */
export const READ_MAX_BYTES = 256 * 1024;
const DEFAULT_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;

const ReadParams = Type.Object({
  path: Type.String({ minLength: 1, description: "File path, relative to the workspace (or absolute inside it)." }),
  offset: Type.Optional(Type.Integer({ minimum: 1, description: "First line to show, 1-based. Default 1." })),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: `Most lines to show. Default ${DEFAULT_LIMIT}.` })),
});

function renderLine(lineNo: number, line: string): string {
  const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} … [line truncated: ${line.length} chars]` : line;
  return `${String(lineNo).padStart(6)}\t${text}`;
}

export function createReadTool() {
  return defineTool({
    name: "read",
    description:
      `Read a text file in the workspace. Lines come numbered (number, tab, text). At most ${DEFAULT_LIMIT} lines or ` +
      `${READ_MAX_BYTES / 1024} KiB per call; page through longer files with offset and limit. Binary files are refused.`,
    parameters: ReadParams,
    async run(args, ctx) {
      const abs = await resolveInWorkspace(ctx.workspace, args.path);
      const stat = await fs.stat(abs).catch((err: unknown) => {
        throw fsError(err, args.path);
      });
      if (stat.isDirectory()) throw toolErrors.isDirectory(args.path, "use ls to list it");
      if (!stat.isFile()) throw toolErrors.notAFile(args.path);
      if (looksBinary(await sniffFile(abs))) throw new ToolError(`refusing to read binary file: ${args.path} (${stat.size} bytes)`);
      if (stat.size === 0) return { content: "(empty file)", details: { path: args.path, lines: 0 } };

      const offset = args.offset ?? 1;
      const limit = args.limit ?? DEFAULT_LIMIT;
      const stream = createReadStream(abs, { encoding: "utf8", signal: ctx.signal });
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      const out: string[] = [];
      let lineNo = 0;
      let bytes = 0;
      let stop: "limit" | "bytes" | undefined;
      try {
        for await (const line of lines) {
          lineNo++;
          if (lineNo < offset) continue;
          if (out.length >= limit) {
            stop = "limit";
            break;
          }
          const rendered = renderLine(lineNo, line);
          const size = Buffer.byteLength(rendered) + 1;
          if (bytes + size > READ_MAX_BYTES) {
            stop = "bytes";
            break;
          }
          out.push(rendered);
          bytes += size;
        }
      } finally {
        lines.close();
        stream.destroy();
      }
      if (out.length === 0) throw new ToolError(`offset ${offset} is past the end of ${args.path} (${lineNo} lines)`);

      const last = offset + out.length - 1;
      let footer = "";
      if (stop === "limit") footer = `\n[lines ${offset}-${last} shown; more follow: call read with offset=${last + 1} to continue]`;
      if (stop === "bytes") {
        footer =
          `\n[output capped at ${READ_MAX_BYTES / 1024} KiB: lines ${offset}-${last} shown; ` +
          `call read with offset=${last + 1} (and a smaller limit) to continue]`;
      }
      return {
        content: out.join("\n") + footer,
        details: { path: args.path, firstLine: offset, lastLine: last, truncated: stop !== undefined },
      };
    },
  });
}
