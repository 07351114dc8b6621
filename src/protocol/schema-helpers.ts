// Small TypeBox helpers so schemas read like the reference's and ajv errors read like its errors.
import { Type, type TSchema, type ObjectOptions, type TProperties, type TUnsafe } from "@sinclair/typebox";

/** A closed object: unknown keys are rejected, as in every reference frame schema. */
export function Closed<T extends TProperties>(props: T, opts: ObjectOptions = {}) {
  return Type.Object(props, { additionalProperties: false, ...opts });
}

/** A string enum as a JSON Schema `enum`, so ajv says "must be equal to one of the allowed values". */
export function StringEnum<const T extends readonly string[]>(values: T, opts: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...opts });
}

export const NonEmptyString = Type.String({ minLength: 1 });

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
