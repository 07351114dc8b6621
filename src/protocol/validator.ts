// Compiled validators for protocol schemas: compiled on first use (keeps startup cheap), with
// error text formatted the way the reference formats ajv errors.
import type { TSchema, Static } from "@sinclair/typebox";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

export interface Validator<T> {
  (value: unknown): value is T;
  /** The formatted errors of the last failed check. */
  errorText(): string;
}

class AjvHolder {
  #ajv: Ajv | undefined;
  get(): Ajv {
    // First error only: the reference's messages name the first problem ("must have required property 'minProtocol'").
    this.#ajv ??= new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
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

/** A validator that compiles its schema the first time it is called. */
export function lazyValidator<S extends TSchema>(schema: S): Validator<Static<S>> {
  let compiled: ValidateFunction | undefined;
  let lastErrors: ErrorObject[] | null | undefined;
  const fn = ((value: unknown) => {
    const check = (compiled ??= holder.get().compile(schema));
    const ok = check(value);
    lastErrors = ok ? null : check.errors;
    return ok;
  }) as Validator<Static<S>>;
  fn.errorText = () => formatValidationErrors(lastErrors);
  return fn;
}
