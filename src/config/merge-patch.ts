// RFC 7396 JSON merge patch, used by `config.patch`: objects merge, null deletes, anything
// else (arrays included) replaces.
import { cloneJson, isPlainObject, setOwn } from "./object-utils.js";

/** Applies `patch` to `target` and returns a new value; neither input is mutated or shared. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, applyMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}
