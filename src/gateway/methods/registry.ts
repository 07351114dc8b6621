// One declaration per method: name, params schema, access and handler. The registry produces
// hello-ok.features.methods, checks role and scopes (default deny), validates params and maps
// failures to the error shape.
import type { Static, TSchema } from "@sinclair/typebox";
import { ErrorCodes, GatewayError, Messages, formatError } from "../../errors.js";
import { hasScope, methodAccess, type MethodAccess } from "../../protocol/scopes.js";
import { lazyValidator, type Validator } from "../../protocol/validator.js";
import type { ProtocolProfile } from "../../protocol/profile.js";
import type { GatewayServices } from "../services.js";

/** What a handler may know about its caller. */
export interface CallerInfo {
  readonly connId: string;
  readonly role: string;
  readonly scopes: readonly string[];
  /** Capabilities advertised in `connect` (e.g. `tool-events`). */
  readonly caps: readonly string[];
  readonly clientId: string;
  readonly clientMode: string;
  readonly deviceId?: string;
  readonly remoteAddress: string;
  readonly isLocal: boolean;
  readonly profile: ProtocolProfile;
}

export interface MethodContext {
  readonly caller: CallerInfo;
  readonly gateway: GatewayServices;
  readonly requestId: string;
  /** Aborted when the client cancels (v4) or disconnects. */
  readonly signal: AbortSignal;
  /** Sends an intermediate `res` (e.g. `{status:"accepted"}`); the handler's return value is final. */
  respond(payload: unknown): void;
}

export interface MethodDef<S extends TSchema = TSchema> {
  name: string;
  params: S;
  /** Overrides the scope table (rarely needed: the table in protocol/scopes.ts is the policy). */
  access?: MethodAccess;
  handler(ctx: MethodContext, params: Static<S>): unknown | Promise<unknown>;
}

interface Entry {
  def: MethodDef;
  access: MethodAccess;
  validate: Validator<unknown>;
}

/** Declares a method with its params type inferred from the schema. */
export function defineMethod<S extends TSchema>(def: MethodDef<S>): MethodDef {
  return def as unknown as MethodDef;
}

export class MethodRegistry {
  readonly #methods = new Map<string, Entry>();
  /** Set while a params validator is loading: later calls wait behind it, so they run in arrival order. */
  #queue: Promise<void> | undefined;

  register(def: MethodDef): void {
    if (this.#methods.has(def.name)) throw new Error(`method registered twice: ${def.name}`);
    this.#methods.set(def.name, { def, access: def.access ?? methodAccess(def.name), validate: lazyValidator(def.params) });
  }

  registerAll(defs: readonly MethodDef[]): void {
    for (const d of defs) this.register(d);
  }

  has(name: string): boolean {
    return this.#methods.has(name);
  }

  names(): string[] {
    return [...this.#methods.keys()];
  }

  /** Throws GatewayError for unknown methods, role/scope failures and bad params. */
  authorize(name: string, caller: CallerInfo): Entry {
    const entry = this.#methods.get(name);
    if (!entry) throw new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.unknownMethod(name));
    const access = entry.access;
    if (access.kind === "node") {
      if (caller.role !== "node") throw new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.unauthorizedRole(caller.role));
    } else if (access.kind === "scope") {
      if (caller.role !== "operator") throw new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.unauthorizedRole(caller.role));
      if (!hasScope(caller.scopes, access.scope)) throw caller.profile.missingScopeError(access.scope);
    }
    return entry;
  }

  async invoke(name: string, rawParams: unknown, ctx: MethodContext): Promise<unknown> {
    // The bundle loads a method family's params validators on its first call (startup cost).
    const loading = this.#methods.get(name)?.validate.ready();
    if (loading || this.#queue) {
      const turn = Promise.all([this.#queue, loading]).then(() => undefined);
      this.#queue = turn;
      await turn;
      if (this.#queue === turn) this.#queue = undefined;
    }
    const entry = this.authorize(name, ctx.caller);
    const params = rawParams === undefined ? {} : rawParams;
    if (!entry.validate(params)) {
      throw new GatewayError(ErrorCodes.INVALID_REQUEST, `invalid ${name} params: ${entry.validate.errorText()}`);
    }
    try {
      return await entry.def.handler(ctx, params);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw new GatewayError(ErrorCodes.UNAVAILABLE, formatError(err));
    }
  }
}
