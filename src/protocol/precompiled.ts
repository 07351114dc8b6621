// Protocol validators compiled ahead of time. The release bundle (scripts/build.mjs) swaps this
// module for ajv standalone code generated from the same TypeBox schemas, keyed by each schema's
// `$id`, so a started gateway never spends time compiling. Source runs (tests) find no entries
// here and compile on first use instead.
import type { ValidateFunction } from "ajv";

/** Protocol validators (ajv: first error only). */
export const protocolValidators: Readonly<Record<string, ValidateFunction>> = {};
