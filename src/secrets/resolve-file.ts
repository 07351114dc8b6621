// The `file` source: one local file per provider, read once per resolution. `json` mode (the
// default) resolves ids as JSON pointers into the file; `singleValue` mode is the whole file and
// takes only the id "value".
import fs from "node:fs/promises";
import path from "node:path";
import { resolveHomeDir } from "../config/paths.js";
import { checkSecretFile } from "./path-checks.js";
import { cleanValue, type BatchResolver, type IdOutcome } from "./provider-types.js";

export const DEFAULT_FILE_TIMEOUT_MS = 5000;
export const DEFAULT_FILE_MAX_BYTES = 1024 * 1024;

/** `~/x` expanded with the gateway's home (OPENCLAW_HOME, HOME...). */
export function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  if (file === "~") return resolveHomeDir(env);
  if (file.startsWith("~/")) return path.join(resolveHomeDir(env), file.slice(2));
  return file;
}

/** Follows an RFC 6901 pointer (`/a/b~1c`); undefined when any step is missing. */
export function readJsonPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  let node = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(key)) node = node[Number(key)];
    else if (node !== null && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, key)) {
      node = (node as Record<string, unknown>)[key];
    } else return undefined;
  }
  return node;
}

async function readLimited(file: string, maxBytes: number, timeoutMs: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  const stat = await fs.stat(file);
  if (stat.size > maxBytes) throw new Error(`${file} is larger than maxBytes (${maxBytes})`);
  try {
    const text = await fs.readFile(file, { encoding: "utf8", signal });
    if (Buffer.byteLength(text) > maxBytes) throw new Error(`${file} is larger than maxBytes (${maxBytes})`);
    return text;
  } catch (err) {
    if ((err as Error).name === "AbortError") throw new Error(`reading ${file} timed out after ${timeoutMs} ms`);
    throw err;
  }
}

export const resolveFileBatch: BatchResolver<"file"> = async (ids, provider, ctx) => {
  const file = expandHome(provider.path, ctx.env);
  await checkSecretFile(file, provider.allowInsecurePath === true);
  const text = await readLimited(file, provider.maxBytes ?? DEFAULT_FILE_MAX_BYTES, provider.timeoutMs ?? DEFAULT_FILE_TIMEOUT_MS);
  const out = new Map<string, IdOutcome>();
  if (provider.mode === "singleValue") {
    const value = cleanValue(text);
    for (const id of ids) {
      if (id !== "value") out.set(id, { ok: false, reason: `singleValue provider takes only the id "value" (got "${id}")` });
      else out.set(id, value ? { ok: true, value } : { ok: false, reason: `${file} is empty` });
    }
    return out;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // The parser's message quotes file content, which may be a secret: say only where.
    throw new Error(`${file} is not valid JSON`);
  }
  for (const id of ids) {
    if (!id.startsWith("/")) {
      out.set(id, { ok: false, reason: `json mode needs an absolute JSON pointer id ("/a/b"), got "${id}"` });
      continue;
    }
    const value = readJsonPointer(doc, id);
    if (value === undefined) out.set(id, { ok: false, reason: `no value at ${id} in ${file}` });
    else if (typeof value !== "string") out.set(id, { ok: false, reason: `value at ${id} in ${file} is not a string` });
    else if (value === "") out.set(id, { ok: false, reason: `value at ${id} in ${file} is empty` });
    else out.set(id, { ok: true, value });
  }
  return out;
};
