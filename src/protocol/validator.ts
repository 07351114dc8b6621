// Validators for protocol schemas: precompiled in the bundle (the method params ones in modules
// loaded on first use, see `ready()`), else compiled on first use (keeps startup cheap), with
// error text formatted the way the reference formats ajv errors.
import type { TSchema, Static } from "@sinclair/typebox";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { createAjv } from "./ajv-loader.js";
import { lazyProtocolValidators, protocolValidators } from "./precompiled.js";

export interface Validator<T> {
  (value: unknown): value is T;
  /** The formatted errors of the last failed check. */
  errorText(): string;
  /**
   * Undefined when the check can run now; else a promise that settles once its precompiled code
   * is loaded (never rejects: if the load fails, the check compiles the schema instead). A check
   * run before that compiles the schema, with the same result.
   */
  ready(): Promise<void> | undefined;
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
  let load = id && !compiled ? lazyProtocolValidators[id] : undefined;
  let loading: Promise<void> | undefined;
  let lastErrors: ErrorObject[] | null | undefined;
  const fn = ((value: unknown) => {
    const check = (compiled ??= holder.compile(schema));
    const ok = check(value);
    lastErrors = ok ? null : check.errors;
    return ok;
  }) as Validator<Static<S>>;
  fn.errorText = () => formatValidationErrors(lastErrors);
  fn.ready = () => {
    if (compiled || !load) return undefined;
    return (loading ??= load()
      .then(
        (m) => void (compiled ??= m[id!]),
        () => undefined,
      )
      .then(() => void (load = undefined)));
  };
  return fn;
}
