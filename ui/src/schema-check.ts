// A small JSON Schema checker for the editor (the keywords the config schema uses: type,
// properties, required, additionalProperties, patternProperties, items, anyOf, enum, const,
// minimum/maximum, minLength, pattern, $ref). The gateway stays the authority: it validates on
// save. ajv is not used here because it compiles with eval, which the CSP forbids.
export interface SchemaIssue {
  path: string;
  message: string;
}

type Schema = Record<string, any> | boolean;

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(want: string, got: string): boolean {
  return want === got || (want === "number" && got === "integer");
}

export function createSchemaChecker(root: Record<string, any>) {
  const byId = new Map<string, Schema>();
  const collect = (s: unknown) => {
    if (!s || typeof s !== "object") return;
    const id = (s as { $id?: unknown }).$id;
    if (typeof id === "string") byId.set(id, s as Schema);
    for (const v of Object.values(s)) collect(v);
  };
  collect(root);

  const resolve = (ref: string): Schema | undefined => {
    if (byId.has(ref)) return byId.get(ref);
    if (!ref.startsWith("#/")) return undefined;
    let cur: any = root;
    for (const part of ref.slice(2).split("/")) cur = cur?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    return cur;
  };

  const check = (schema: Schema | undefined, value: unknown, path: string, out: SchemaIssue[], depth = 0): void => {
    if (schema === undefined || schema === true || depth > 64) return;
    if (schema === false) return void out.push({ path, message: "not allowed" });
    if (typeof schema.$ref === "string") return check(resolve(schema.$ref), value, path, out, depth + 1);
    const got = typeOf(value);
    if (schema.anyOf) {
      const branches = (schema.anyOf as Schema[]).map((s) => {
        const o: SchemaIssue[] = [];
        check(s, value, path, o, depth + 1);
        return o;
      });
      if (branches.some((b) => b.length === 0)) return;
      // Report the closest branch (fewest issues) so messages stay specific.
      const best = branches.sort((a, b) => a.length - b.length)[0]!;
      out.push(...(best.length ? best : [{ path, message: "does not match any allowed form" }]));
      return;
    }
    if (schema.type) {
      const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => typeMatches(t, got))) return void out.push({ path, message: `expected ${types.join(" or ")}, got ${got}` });
    }
    if ("const" in schema && value !== schema.const) return void out.push({ path, message: `expected ${JSON.stringify(schema.const)}` });
    if (schema.enum && !schema.enum.includes(value)) return void out.push({ path, message: `expected one of ${schema.enum.map((e: unknown) => JSON.stringify(e)).join(", ")}` });
    if (typeof value === "number") {
      if (typeof schema.minimum === "number" && value < schema.minimum) out.push({ path, message: `must be >= ${schema.minimum}` });
      if (typeof schema.maximum === "number" && value > schema.maximum) out.push({ path, message: `must be <= ${schema.maximum}` });
      if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) out.push({ path, message: `must be > ${schema.exclusiveMinimum}` });
    }
    if (typeof value === "string") {
      if (typeof schema.minLength === "number" && value.length < schema.minLength) out.push({ path, message: `must have at least ${schema.minLength} characters` });
      if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) out.push({ path, message: `must match ${schema.pattern}` });
    }
    if (got === "array" && schema.items) (value as unknown[]).forEach((v, i) => check(schema.items, v, `${path}[${i}]`, out, depth + 1));
    if (got === "object") {
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in obj)) out.push({ path: path ? `${path}.${key}` : key, message: "required" });
      for (const [key, v] of Object.entries(obj)) {
        const p = path ? `${path}.${key}` : key;
        if (schema.properties && key in schema.properties) {
          check(schema.properties[key], v, p, out, depth + 1);
          continue;
        }
        const pat = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>).find(([re]) => new RegExp(re, "u").test(key));
        if (pat) check(pat[1], v, p, out, depth + 1);
        else if (schema.additionalProperties === false) out.push({ path: p, message: "unknown key" });
        else if (typeof schema.additionalProperties === "object") check(schema.additionalProperties, v, p, out, depth + 1);
      }
    }
  };

  return (value: unknown): SchemaIssue[] => {
    const out: SchemaIssue[] = [];
    check(root, value, "", out);
    return out;
  };
}

/** The schema of a dotted path (through `properties` and `$ref`s), or undefined. */
export function schemaAt(root: Record<string, any>, dotted: string): Record<string, any> | undefined {
  let cur: any = root;
  for (const key of dotted.split(".")) {
    if (typeof cur?.$ref === "string" && cur.$ref.startsWith("#/")) cur = cur.$ref.slice(2).split("/").reduce((o: any, k: string) => o?.[k], root);
    cur = cur?.properties?.[key];
    if (!cur) return undefined;
  }
  return cur;
}

/** The allowed values of an enum-like schema (`enum`, or `anyOf` of `const`s). */
export function choicesOf(node: Record<string, any> | undefined): unknown[] | undefined {
  if (!node) return undefined;
  if (Array.isArray(node.enum)) return node.enum;
  if (Array.isArray(node.anyOf) && node.anyOf.every((b: any) => b && "const" in b)) return node.anyOf.map((b: any) => b.const);
  return undefined;
}
