// Transform modules of hook mappings: `.js`/`.mjs` files inside `hooks.transformsDir` whose export
// `(ctx: {payload, headers, path}) => object | null | Promise<...>` overrides the mapping's action
// or drops the request. The path is checked lexically when the config loads and again, through
// symlinks, when the module is imported. A changed file is re-imported (by mtime); Node keeps the
// old version in its module cache, which is acceptable for files that change by hand.
import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { HookContext } from "./mappings.js";

export const TRANSFORM_EXTENSIONS: readonly string[] = [".js", ".mjs"];
export const TRANSFORM_TIMEOUT_MS = 10_000;

export type TransformFn = (ctx: HookContext) => unknown;

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Why `module` may not be loaded from `transformsDir` (absolute), or null when it may. */
export function transformPathProblem(transformsDir: string, module: string): string | null {
  const file = path.resolve(transformsDir, module);
  if (!inside(transformsDir, file)) return `transform module "${module}" is outside hooks.transformsDir (${transformsDir})`;
  if (!TRANSFORM_EXTENSIONS.includes(path.extname(file).toLowerCase())) {
    return `transform module "${module}" must be a ${TRANSFORM_EXTENSIONS.join(" or ")} file`;
  }
  return null;
}

export class TransformLoader {
  readonly #cache = new Map<string, { mtimeMs: number; fn: TransformFn }>();

  /** Imports the module's export; throws with a reason (outside the dir, missing, not a function). */
  async load(transformsDir: string, module: string, exportName: string): Promise<TransformFn> {
    const problem = transformPathProblem(transformsDir, module);
    if (problem) throw new Error(problem);
    const realDir = await fs.realpath(transformsDir);
    const realFile = await fs.realpath(path.resolve(transformsDir, module));
    if (!inside(realDir, realFile)) throw new Error(`transform module "${module}" resolves outside hooks.transformsDir`);
    const stat = await fs.stat(realFile);
    const key = `${realFile}#${exportName}`;
    const cached = this.#cache.get(key);
    if (cached && cached.mtimeMs === stat.mtimeMs) return cached.fn;
    const url = `${pathToFileURL(realFile).href}?mtime=${stat.mtimeMs}`;
    const mod = (await import(url)) as Record<string, unknown>;
    const fn = mod[exportName];
    if (typeof fn !== "function") throw new Error(`transform module "${module}" has no function export "${exportName}"`);
    this.#cache.set(key, { mtimeMs: stat.mtimeMs, fn: fn as TransformFn });
    return fn as TransformFn;
  }
}

/** Calls a transform with a time limit; its result must be an object, null or undefined. */
export async function runTransform(fn: TransformFn, ctx: HookContext, timeoutMs = TRANSFORM_TIMEOUT_MS): Promise<Record<string, unknown> | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`transform did not finish within ${timeoutMs}ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => fn(ctx)), timeout]);
    if (result === null) return null;
    // Returning nothing keeps the mapping's own action; only an explicit null drops the request.
    if (result === undefined) return {};
    if (typeof result !== "object" || Array.isArray(result)) throw new Error("transform must return an object or null");
    return result as Record<string, unknown>;
  } finally {
    clearTimeout(timer);
  }
}
