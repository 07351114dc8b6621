// What every source resolver implements: a batch of ids for one provider in, a value or a
// reason per id out. Reasons never contain a secret value.
import type { SecretProviderConfig } from "../config/schema-secrets.js";

export type IdOutcome = { ok: true; value: string } | { ok: false; reason: string };

export interface ResolveContext {
  alias: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export type ProviderConfigOf<S extends SecretProviderConfig["source"]> = Extract<SecretProviderConfig, { source: S }>;

/** Resolves `ids` (distinct) for one provider. Throws for a failure that hits every id. */
export type BatchResolver<S extends SecretProviderConfig["source"]> = (
  ids: readonly string[],
  provider: ProviderConfigOf<S>,
  ctx: ResolveContext,
) => Promise<Map<string, IdOutcome>>;

/** Secrets are non-empty strings; trailing newlines from files and tools are not part of them. */
export function cleanValue(value: string): string {
  return value.replace(/[\r\n]+$/, "");
}
