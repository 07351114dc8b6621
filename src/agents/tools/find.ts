// `find`: workspace paths matching a glob (`**/*.ts`, `src/*.json`) or a plain substring, bounded,
// skipping dependency and VCS folders and never descending through symlinks.
import fs from "node:fs/promises";
import path from "node:path";
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { fsError, toolErrors } from "./errors.js";
import { resolveInWorkspace, workspaceRelative } from "./workspace-path.js";

export const FIND_MAX_RESULTS = 200;
const MAX_SCANNED = 50_000;
const SKIP_DIRS = new Set(["node_modules", ".git"]);
const GLOB_CHARS = /[*?[\]{}]/;

const FindParams = Type.Object({
  pattern: Type.String({ minLength: 1, description: "A glob such as **/*.ts or src/*.json, or a plain substring of the path." }),
  path: Type.Optional(Type.String({ description: "Directory to search, relative to the workspace. Default: the workspace." })),
});

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

// Index of the `}` closing the `{` at `open`, or -1.
function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === "{") depth++;
    else if (glob[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "{") depth++;
    else if (body[i] === "}") depth--;
    else if (body[i] === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function globSource(glob: string): string {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const segmentStart = i === 0 || glob[i - 1] === "/";
      if (segmentStart && glob[i + 2] === "/") {
        re += "(?:[^/]*/)*"; // `**/`: zero or more directories
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[" && glob.indexOf("]", i + 2) !== -1) {
      const end = glob.indexOf("]", i + 2);
      const body = glob.slice(i + 1, end);
      const negate = body.startsWith("!") || body.startsWith("^");
      re += `[${negate ? "^" : ""}${(negate ? body.slice(1) : body).replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (c === "{" && closingBrace(glob, i) !== -1) {
      const end = closingBrace(glob, i);
      re += `(?:${splitTopLevel(glob.slice(i + 1, end)).map(globSource).join("|")})`;
      i = end;
    } else re += escapeRegex(c);
  }
  return re;
}

/** A glob as an anchored RegExp over `/`-separated paths: `*`, `?`, `**`, `[...]`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globSource(glob)}$`);
}

/** The test a path (relative to the search root, `/`-separated) must pass. */
export function pathMatcher(pattern: string): (rel: string) => boolean {
  if (!GLOB_CHARS.test(pattern)) {
    const needle = pattern.toLowerCase();
    return (rel) => rel.toLowerCase().includes(needle);
  }
  const re = globToRegExp(pattern.replace(/^\.\//, ""));
  // A glob without `/` (`*.ts`) matches a name at any depth, as most tools do.
  return pattern.includes("/") ? (rel) => re.test(rel) : (rel) => re.test(rel.slice(rel.lastIndexOf("/") + 1));
}

export function createFindTool() {
  return defineTool({
    name: "find",
    description:
      `Find files and directories in the workspace whose path matches a glob (**/*.ts, src/*.json, *.md) or contains ` +
      `a substring. Skips node_modules and .git. At most ${FIND_MAX_RESULTS} results; directories end with /.`,
    parameters: FindParams,
    async run(args, ctx) {
      const shown = args.path ?? ".";
      const root = await resolveInWorkspace(ctx.workspace, shown);
      const stat = await fs.stat(root).catch((err: unknown) => {
        throw fsError(err, shown);
      });
      if (!stat.isDirectory()) throw toolErrors.notADirectory(shown);
      const matches = pathMatcher(args.pattern);
      const found: string[] = [];
      let scanned = 0;
      let capped = false;
      const queue = [""];
      walk: while (queue.length > 0) {
        if (ctx.signal.aborted) throw toolErrors.aborted("find");
        const rel = queue.shift()!;
        const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
          if (++scanned > MAX_SCANNED || found.length >= FIND_MAX_RESULTS) {
            capped = true;
            break walk;
          }
          const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
          const isDir = entry.isDirectory();
          if (isDir && SKIP_DIRS.has(entry.name)) continue;
          if (matches(childRel)) found.push(isDir ? `${childRel}/` : childRel);
          if (isDir) queue.push(childRel);
        }
      }
      const prefix = await workspaceRelative(ctx.workspace, root);
      const lines = found.map((p) => (prefix === "." ? p : `${prefix}/${p}`));
      if (lines.length === 0) lines.push(`no matches for ${JSON.stringify(args.pattern)} under ${shown}`);
      if (capped) {
        lines.push(`[search stopped at ${found.length} results / ${Math.min(scanned, MAX_SCANNED)} entries scanned; narrow the pattern or path]`);
      }
      return { content: lines.join("\n"), details: { pattern: args.pattern, path: shown, count: found.length, capped } };
    },
  });
}
