// Protocol validators compiled ahead of time. The release bundle (scripts/build.mjs) swaps this
// module for ajv standalone code generated from the same TypeBox schemas, keyed by each schema's
// `$id`, so a started gateway never spends time compiling. Only the startup validators (frames,
// connect, `health`) are in the module itself; the method params validators sit in one module
// per protocol file, loaded on first use (`lazyProtocolValidators`). Source runs (tests) find no
// entries here and compile on first use instead.
import type { ValidateFunction } from "ajv";

/** Protocol validators (ajv: first error only). */
export const protocolValidators: Readonly<Record<string, ValidateFunction>> = {};

/** `$id` → loader of the module that exports its precompiled validator under that name. */
export const lazyProtocolValidators: Readonly<Record<string, () => Promise<Readonly<Record<string, ValidateFunction>>>>> = {};
