// The config's quick yes/no validator compiled ahead of time; the bundle swaps this module for
// generated ajv standalone code (see src/protocol/precompiled.ts). Source runs compile instead.
import type { ValidateFunction } from "ajv";

/** Config validators (ajv: first error only, no inlined refs). */
export const configValidators: Readonly<Record<string, ValidateFunction>> = {};
