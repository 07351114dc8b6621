// Confines every path a tool touches to the agent's workspace: lexically (no `..` out, no
// absolute path elsewhere) and physically (no symlink, even a dangling one, that leads out).
import fs from "node:fs/promises";
import path from "node:path";
import { ToolError, toolErrors } from "./errors.js";

const MAX_LINK_HOPS = 40;

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * The real location `abs` names: fs.realpath when it exists, else the real path of its deepest
 * existing ancestor joined with the rest. A dangling symlink is resolved by hand, because writing
 * through it would create its target wherever that points.
 */
async function physicalPath(abs: string, hops = 0): Promise<string> {
  try {
    return await fs.realpath(abs);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const parent = path.dirname(abs);
  if (parent === abs) return abs;
  const realParent = await physicalPath(parent, hops);
  const here = path.join(realParent, path.basename(abs));
  const stat = await fs.lstat(here).catch(() => undefined);
  if (stat?.isSymbolicLink()) {
    if (hops >= MAX_LINK_HOPS) throw Object.assign(new Error(`too many symbolic links: ${abs}`), { code: "ELOOP" });
    return physicalPath(path.resolve(realParent, await fs.readlink(here)), hops + 1);
  }
  return here;
}

/**
 * Resolves `p` (relative to the workspace, or absolute) to the real absolute path it names, or
 * throws `path escapes the workspace: <p>`. The returned path has every symlink resolved, so the
 * caller operates on the place that was checked.
 */
export async function resolveInWorkspace(workspace: string, p: string): Promise<string> {
  if (p.includes("\0")) throw toolErrors.escape(p.replaceAll("\0", "\\0"));
  const root = path.resolve(workspace);
  const realRoot = await fs.realpath(root).catch(() => {
    throw new ToolError(`workspace not found: ${root}`);
  });
  const lexical = path.resolve(root, p === "" ? "." : p);
  // An absolute path may spell the workspace through its real path (e.g. /private/tmp on macOS).
  if (!isInside(root, lexical) && !isInside(realRoot, lexical)) throw toolErrors.escape(p);
  const real = await physicalPath(lexical);
  if (!isInside(realRoot, real)) throw toolErrors.escape(p);
  return real;
}

/** `abs` relative to the workspace with `/` separators, for output the model can feed back. */
export async function workspaceRelative(workspace: string, abs: string): Promise<string> {
  const rel = path.relative(await fs.realpath(workspace), abs);
  return rel === "" ? "." : rel.split(path.sep).join("/");
}
