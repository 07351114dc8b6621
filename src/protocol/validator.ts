// Validators for protocol schemas: precompiled in the bundle, else compiled on first use (keeps
// startup cheap), with error text formatted the way the reference formats ajv errors.
import type { TSchema, Static } from "@sinclair/typebox";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { createAjv } from "./ajv-loader.js";
import { protocolValidators } from "./precompiled.js";

export interface Validator<T> {
  (value: unknown): value is T;
  /** The formatted errors of the last failed check. */
  errorText(): string;
}

/** The ajv options every protocol validator is compiled with (also used by the build). */
export const PROTOCOL_AJV_OPTIONS = { allErrors: false, strict: false, coerceTypes: false, useDefaults: false } as const;

class AjvHolder {
  #ajv: Ajv | undefined;
  /** Compiles once per schema object (several methods may share one params schema). */
  compile(schema: TSchema): ValidateFunction {
    const id = (schema as { $id?: string }).$id;
    const ajv = this.get();
    return (id ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
  }
  get(): Ajv {
    // First error only: the reference's messages name the first problem ("must have required property 'minProtocol'").
    this.#ajv ??= createAjv({ ...PROTOCOL_AJV_OPTIONS });
    return this.#ajv;
  }
}
const holder = new AjvHolder();

export function formatValidationErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return "invalid";
  return errors
    .map((e) => {
      let msg = e.message ?? "invalid";
      if (e.keyword === "additionalProperties") {
        msg = `${msg} (${String((e.params as { additionalProperty?: string }).additionalProperty)})`;
      }
      return e.instancePath ? `at ${e.instancePath}: ${msg}` : msg;
    })
    .join("; ");
}

/** A validator: precompiled when the bundle has it (by `$id`), else compiled on first call. */
export function lazyValidator<S extends TSchema>(schema: S): Validator<Static<S>> {
  const id = (schema as { $id?: string }).$id;
  let compiled: ValidateFunction | undefined = id ? protocolValidators[id] : undefined;
  let lastErrors: ErrorObject[] | null | undefined;
  const fn = ((value: unknown) => {
    const check = (compiled ??= holder.compile(schema));
    const ok = check(value);
    lastErrors = ok ? null : check.errors;
    return ok;
  }) as Validator<Static<S>>;
  fn.errorText = () => formatValidationErrors(lastErrors);
  return fn;
}
