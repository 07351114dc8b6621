// Strict config validation: the TypeBox schema compiled by ajv, with ajv's raw errors turned
// into one readable issue per problem (union branches collapsed), plus checks a schema can't say.
import type { ErrorObject, ValidateFunction } from "ajv";
import { createAjv } from "../protocol/ajv-loader.js";
import { formatPath } from "./dotpath.js";
import type { ConfigIssue } from "./errors.js";
import { isPlainObject, jsonEqual } from "./object-utils.js";
import { OpenClawConfigSchema } from "./schema.js";
import { configValidators } from "./precompiled-config.js";

type JsonSchema = Record<string, unknown>;

/** The ajv options of the detailed config validator (every error, with the failing schema). */
export const CONFIG_AJV_OPTIONS = { allErrors: true, strict: false, verbose: true, inlineRefs: false } as const;

/** The ajv options of the quick yes/no check the bundle ships precompiled. */
export const CONFIG_QUICK_AJV_OPTIONS = { allErrors: false, strict: false, verbose: false, inlineRefs: false } as const;

// Compiling costs far more than validating. The bundle ships the quick check precompiled, so a
// valid config costs one fast call at startup; only an invalid one pays for compiling the
// detailed validator that produces readable issues. Source runs compile both on first use.
// `inlineRefs: false` compiles the shared SecretInput definition once, not per use.
const validators = ((): { quick: () => ValidateFunction; detailed: () => ValidateFunction } => {
  let quick: ValidateFunction | undefined = configValidators.OpenClawConfigQuick;
  let detailed: ValidateFunction | undefined;
  return {
    quick: () => (quick ??= createAjv({ ...CONFIG_QUICK_AJV_OPTIONS }).compile(OpenClawConfigSchema)),
    detailed: () => (detailed ??= createAjv({ ...CONFIG_AJV_OPTIONS }).compile(OpenClawConfigSchema)),
  };
})();

function pointerToPath(pointer: string, extra?: string): string {
  const segments = pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  return formatPath(extra === undefined ? segments : [...segments, extra]);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "object":
      return isPlainObject(value);
    case "array":
      return Array.isArray(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

// Whether `value` gets past a schema's outermost type/const/enum test: a branch that does not
// is simply the wrong alternative, and its nested errors are noise.
function acceptsShallow(schema: JsonSchema, value: unknown): boolean {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).some((s) => acceptsShallow(s, value));
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]);
  if (types.length > 0 && !types.some((t) => matchesType(t, value))) return false;
  if ("const" in schema && !jsonEqual(schema.const, value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => jsonEqual(v, value))) return false;
  return true;
}

function describeSchema(schema: JsonSchema): string[] {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).flatMap(describeSchema);
  if ("const" in schema) return [JSON.stringify(schema.const)];
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v));
  if (schema.type !== undefined) return ([] as string[]).concat(schema.type as string | string[]);
  return ["a valid value"];
}

// Keys on which a branch demands a literal the value does not have (e.g. `source: "env"`).
function discriminatorMismatches(schema: JsonSchema, value: unknown): string[] {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties || !isPlainObject(value)) return [];
  return Object.entries(properties)
    .filter(([key, prop]) => "const" in prop && !jsonEqual(prop.const, value[key]))
    .map(([key]) => key);
}

function simpleMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const got = JSON.stringify(error.data);
  switch (error.keyword) {
    case "additionalProperties":
      return `unknown key "${String(params.additionalProperty)}"`;
    case "required":
      return `missing required key "${String(params.missingProperty)}"`;
    case "type":
      return `expected ${([] as string[]).concat(params.type as string).join(" or ")}, got ${describeValue(error.data)}`;
    case "enum":
      return `expected one of: ${(params.allowedValues as unknown[]).map(String).join(", ")}`;
    case "const":
      return `expected ${JSON.stringify(params.allowedValue)}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `expected a number ${String(params.comparison)} ${String(params.limit)}, got ${got}`;
    case "minLength":
      return params.limit === 1 ? "expected a non-empty string" : `expected at least ${String(params.limit)} characters`;
    case "maxLength":
      return `expected at most ${String(params.limit)} characters`;
    case "pattern":
      return `expected a string matching ${String(params.pattern)}, got ${got}`;
    default:
      return error.message ?? `failed ${error.keyword} check`;
  }
}

function simpleIssue(error: ErrorObject, file: string): ConfigIssue {
  // An unknown key is reported at its own path, so the reader sees exactly which key to remove.
  const extra = error.keyword === "additionalProperties" ? String(error.params.additionalProperty) : undefined;
  return { file, path: pointerToPath(error.instancePath, extra), message: simpleMessage(error) };
}

function contains(outer: ErrorObject, inner: ErrorObject): boolean {
  return (
    inner !== outer &&
    inner.schemaPath.startsWith(`${outer.schemaPath}/`) &&
    (inner.instancePath === outer.instancePath || inner.instancePath.startsWith(`${outer.instancePath}/`))
  );
}

// Reduces one failed anyOf to the errors of the branch the value was evidently aiming for.
function collapseAnyOf(anyOf: ErrorObject, inner: ErrorObject[], file: string): ConfigIssue[] {
  const branches = anyOf.schema as JsonSchema[];
  const value = anyOf.data;
  const branchErrors = (i: number) => inner.filter((e) => e.schemaPath.startsWith(`${anyOf.schemaPath}/${i}/`));
  const plausible = branches.map((schema, i) => ({ schema, i })).filter(({ schema }) => acceptsShallow(schema, value));
  const path = pointerToPath(anyOf.instancePath);
  if (plausible.length === 0) {
    const expected = [...new Set(branches.flatMap(describeSchema))].join(" or ");
    return [{ file, path, message: `expected ${expected}, got ${describeValue(value)}` }];
  }
  const matching = plausible.filter(({ schema }) => discriminatorMismatches(schema, value).length === 0);
  if (matching.length === 0) {
    const key = discriminatorMismatches(plausible[0]!.schema, value)[0]!;
    const allowed = plausible.flatMap(({ schema }) => {
      const prop = (schema.properties as Record<string, JsonSchema>)[key];
      return prop && "const" in prop ? [String(prop.const)] : [];
    });
    const message = `expected one of: ${[...new Set(allowed)].join(", ")}`;
    return [{ file, path: pointerToPath(anyOf.instancePath, key), message }];
  }
  const best = matching
    .map(({ i }) => branchErrors(i))
    .reduce((a, b) => (b.length < a.length ? b : a));
  return toIssues(best, file);
}

function toIssues(errors: ErrorObject[], file: string): ConfigIssue[] {
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  const outermost = anyOfs.filter((a) => !anyOfs.some((b) => contains(b, a)));
  const consumed = new Set<ErrorObject>(outermost);
  const issues: ConfigIssue[] = [];
  for (const anyOf of outermost) {
    const inner = errors.filter((e) => contains(anyOf, e));
    inner.forEach((e) => consumed.add(e));
    issues.push(...collapseAnyOf(anyOf, inner, file));
  }
  for (const error of errors) if (!consumed.has(error)) issues.push(simpleIssue(error, file));
  return issues;
}

// Rules that read better as their own sentence than as a schema keyword failure.
function semanticIssues(value: unknown, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const gateway = isPlainObject(value) ? value.gateway : undefined;
  if (isPlainObject(gateway) && gateway.port !== undefined) {
    const port = gateway.port;
    if (!(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
      const message = `port must be an integer between 1 and 65535, got ${JSON.stringify(port)}`;
      issues.push({ file, path: "gateway.port", message });
    }
  }
  return issues;
}

/** Validates a resolved config; returns every problem found (empty when valid). */
export function validateConfig(value: unknown, file: string): ConfigIssue[] {
  let schemaIssues: ConfigIssue[] = [];
  if (!validators.quick()(value)) {
    const detailed = validators.detailed();
    schemaIssues = detailed(value) ? [] : toIssues(detailed.errors ?? [], file);
  }
  const semantic = semanticIssues(value, file);
  const covered = new Set(semantic.map((issue) => issue.path));
  const seen = new Set<string>();
  return [...schemaIssues.filter((issue) => !covered.has(issue.path)), ...semantic]
    .filter((issue) => {
      const key = `${issue.path}\0${issue.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
