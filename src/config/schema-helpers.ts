// Building blocks for the config schema, so each section reads as a list of fields.
import { Type, type ObjectOptions, type TProperties, type TUnsafe } from "@sinclair/typebox";

/**
 * A string limited to `values`. Declared as a JSON Schema `enum` rather than a union of
 * literals so validation reports one "expected one of" message instead of a branch per value.
 */
export function stringEnum<const T extends readonly string[]>(values: T, description?: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...(description ? { description } : {}) });
}

/** An object that rejects keys it does not declare. */
export function strictObject<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** An object whose contents are not checked yet. */
export function openObject(description?: string) {
  return Type.Record(Type.String(), Type.Unknown(), description ? { description } : {});
}

/** A list of strings. */
export function stringList(description?: string) {
  return Type.Array(Type.String(), description ? { description } : {});
}

/** Integer >= `minimum` (0 unless given). */
export function int(minimum = 0, description?: string) {
  return Type.Integer({ minimum, ...(description ? { description } : {}) });
}
