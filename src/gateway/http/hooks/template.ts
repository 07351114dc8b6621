// `{{...}}` templates of hook mappings. `{{payload.a.b}}` and `{{payload.items[0].id}}` read the
// JSON body, `{{headers.x-name}}` a request header (lower-cased name), `{{path}}` the sub-path; any
// other expression reads the payload (`{{a.b}}` = `{{payload.a.b}}`). Missing values render empty,
// objects and arrays as JSON. Only own properties are read, so `{{payload.constructor}}` is empty.

export interface TemplateContext {
  payload: unknown;
  /** Lower-cased names; credentials already removed (see `hookHeaders`). */
  headers: Record<string, string>;
  /** The sub-path after the hooks base path, without slashes at either end. */
  path: string;
}

const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** `a.b[0].c` -> `["a", "b", "0", "c"]`. */
export function splitPath(expr: string): string[] {
  return expr
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Reads `segments` from `value`, or undefined when any step is missing. */
export function lookup(value: unknown, segments: readonly string[]): unknown {
  let cur = value;
  for (const seg of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else {
      if (!Object.hasOwn(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}

/** The value an expression names. */
export function resolveExpression(expr: string, ctx: TemplateContext): unknown {
  const segs = splitPath(expr);
  const [root, ...rest] = segs;
  if (root === undefined) return undefined;
  if (root === "payload") return lookup(ctx.payload, rest);
  if (root === "headers") return rest.length === 1 ? ctx.headers[rest[0]!.toLowerCase()] : undefined;
  if (root === "path" && rest.length === 0) return ctx.path;
  return lookup(ctx.payload, segs);
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

/** Renders every `{{expr}}` in `template`. */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  return template.replace(EXPRESSION, (_, expr: string) => stringify(resolveExpression(expr, ctx)));
}
