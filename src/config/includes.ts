// `$include` resolution: splits one config across files. A single path stands in for the
// containing object; an array is deep-merged in order; sibling keys override what was included.
import { readFile as fsReadFile } from "node:fs/promises";
import path from "node:path";
import { formatPath, type PathSegment } from "./dotpath.js";
import { ConfigError } from "./errors.js";
import { parseJson5 } from "./json5-parse.js";
import { isPlainObject, setOwn } from "./object-utils.js";

/** Deepest include chain allowed below the top config file. */
export const MAX_INCLUDE_DEPTH = 10;

/** Options for {@link resolveIncludes}. */
export interface IncludeOptions {
  /** Directory of the top config file; every included file must resolve inside it. */
  rootDir: string;
  /** Reads an absolute path as UTF-8 (injectable for tests); defaults to fs.readFile. */
  readFile?: (absPath: string) => Promise<string> | string;
}

/** The tree with every `$include` replaced, plus the absolute paths that were read. */
export interface IncludeResult {
  value: unknown;
  includedPaths: string[];
}

// `file` is the absolute path whose content is being walked; `chain` runs from the top config
// down to it, for the cycle and depth checks.
interface Frame {
  file: string;
  chain: string[];
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    setOwn(out, key, Object.hasOwn(base, key) ? deepMerge(base[key], value) : value);
  }
  return out;
}

/**
 * Replaces every `$include` in `root` (the parsed content of `file`) with the referenced files'
 * content. Throws a ConfigError naming the file where the problem is.
 */
export async function resolveIncludes(root: unknown, file: string, opts: IncludeOptions): Promise<IncludeResult> {
  const rootDir = path.resolve(opts.rootDir);
  const read = opts.readFile ?? ((p: string) => fsReadFile(p, "utf8"));
  const includedPaths: string[] = [];
  const display = (p: string): string => (path.relative(rootDir, p) || path.basename(p)).split(path.sep).join("/");
  const fail = (where: string, at: PathSegment[], message: string): never => {
    throw ConfigError.fromIssues([{ file: where, path: formatPath(at), message }]);
  };

  const loadFile = async (spec: unknown, frame: Frame, at: PathSegment[]): Promise<unknown> => {
    if (typeof spec !== "string" || spec.trim() === "") {
      return fail(frame.file, at, "$include must be a non-empty path or an array of paths");
    }
    const abs = path.resolve(path.dirname(frame.file), spec);
    const rel = path.relative(rootDir, abs);
    if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      return fail(frame.file, at, `$include path escapes the config directory: ${spec}`);
    }
    if (frame.chain.includes(abs)) {
      return fail(frame.file, at, `$include cycle: ${[...frame.chain, abs].map(display).join(" -> ")}`);
    }
    if (frame.chain.length > MAX_INCLUDE_DEPTH) {
      return fail(frame.file, at, `$include nesting exceeds ${MAX_INCLUDE_DEPTH} levels`);
    }
    let text: string;
    try {
      text = await read(abs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return fail(frame.file, at, `$include file not found: ${abs}`);
      return fail(frame.file, at, `$include file could not be read: ${abs} (${code ?? String(error)})`);
    }
    const parsed = parseJson5(text, abs);
    if (!parsed.ok) throw ConfigError.fromIssues([parsed.issue]);
    if (!includedPaths.includes(abs)) includedPaths.push(abs);
    return resolveNode(parsed.value, { file: abs, chain: [...frame.chain, abs] }, []);
  };

  const resolveObject = async (
    node: Record<string, unknown>,
    frame: Frame,
    at: PathSegment[],
  ): Promise<Record<string, unknown>> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) setOwn(out, key, await resolveNode(value, frame, [...at, key]));
    return out;
  };

  const resolveNode = async (node: unknown, frame: Frame, at: PathSegment[]): Promise<unknown> => {
    if (Array.isArray(node)) {
      const items: unknown[] = [];
      for (const [i, item] of node.entries()) items.push(await resolveNode(item, frame, [...at, i]));
      return items;
    }
    if (!isPlainObject(node)) return node;
    if (!Object.hasOwn(node, "$include")) return resolveObject(node, frame, at);

    const { $include: spec, ...siblings } = node;
    const specAt = [...at, "$include"];
    let included: unknown;
    if (Array.isArray(spec)) {
      included = {};
      for (const [i, item] of spec.entries()) {
        included = deepMerge(included, await loadFile(item, frame, [...specAt, i]));
      }
    } else {
      included = await loadFile(spec, frame, specAt);
    }
    if (Object.keys(siblings).length === 0) return included;
    if (!isPlainObject(included)) {
      return fail(frame.file, specAt, "$include with sibling keys requires the included file to contain an object");
    }
    return deepMerge(included, await resolveObject(siblings, frame, at));
  };

  const top = path.resolve(file);
  const value = await resolveNode(root, { file: top, chain: [top] }, []);
  return { value, includedPaths };
}
