// Resolving every active SecretRef of a config: refs grouped per provider alias, one batch per
// provider (so an exec resolver runs once), providers in parallel up to a limit. The result is
// either all values by path or the list of refs that failed and why (never a value).
import { isPlainObject } from "../config/object-utils.js";
import type { SecretProviderConfig, SecretsConfig } from "../config/schema-secrets.js";
import { collectSecretRefs, refIdProblem, DEFAULT_PROVIDER_ALIAS, type RefSite, type SecretSource } from "./refs.js";
import type { IdOutcome, ResolveContext } from "./provider-types.js";
import { resolveEnvBatch } from "./resolve-env.js";

/** A ref that could not be resolved: where, through which provider, and why. */
export interface SecretFailure {
  path: string;
  source: SecretSource;
  provider: string;
  reason: string;
}

/** A non-fatal diagnostic (a ref on a disabled surface, skipped). */
export interface SecretWarning {
  code: string;
  path: string;
  provider: string;
  message: string;
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  /** Sources to skip (audit without --allow-exec skips "exec"); their refs are reported as skipped. */
  skipSources?: readonly SecretSource[];
  signal?: AbortSignal;
}

export interface ResolutionResult {
  values: Map<string, string>;
  failures: SecretFailure[];
  warnings: SecretWarning[];
  /** Refs not attempted because their source was skipped. */
  skipped: RefSite[];
}

const DEFAULT_MAX_PROVIDER_CONCURRENCY = 4;
const DEFAULT_MAX_REFS_PER_PROVIDER = 512;
const DEFAULT_MAX_BATCH_BYTES = 256 * 1024;

function secretsSection(config: unknown): SecretsConfig {
  return isPlainObject(config) && isPlainObject(config.secrets) ? (config.secrets as SecretsConfig) : {};
}

/** The provider config for an alias; the env source has an implicit provider under its default alias. */
export function findProvider(config: unknown, source: SecretSource, alias: string): SecretProviderConfig | string {
  const secrets = secretsSection(config);
  const configured = secrets.providers?.[alias];
  if (configured) {
    return configured.source === source ? configured : `provider "${alias}" is a ${configured.source} provider, not ${source}`;
  }
  if (source === "env" && alias === (secrets.defaults?.env ?? DEFAULT_PROVIDER_ALIAS)) return { source: "env" };
  return `no provider "${alias}" under secrets.providers`;
}

async function resolveBatch(provider: SecretProviderConfig, ids: string[], ctx: ResolveContext): Promise<Map<string, IdOutcome>> {
  switch (provider.source) {
    case "env":
      return resolveEnvBatch(ids, provider, ctx);
    // File and exec resolvers (path checks, child processes) load only for configs that use them.
    case "file":
      return (await import("./resolve-file.js")).resolveFileBatch(ids, provider, ctx);
    case "exec":
      return (await import("./resolve-exec.js")).resolveExecBatch(ids, provider, ctx);
  }
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Resolves every active SecretRef in `config` (already validated). Never throws for a bad ref. */
export async function resolveConfigSecrets(config: unknown, opts: ResolveOptions): Promise<ResolutionResult> {
  const { active, inactive } = collectSecretRefs(config);
  const result: ResolutionResult = {
    values: new Map(),
    failures: [],
    skipped: [],
    warnings: inactive.map((s) => ({
      code: "SECRETS_REF_IGNORED_INACTIVE_SURFACE",
      path: s.path,
      provider: s.ref.provider,
      message: `${s.path}: secret reference skipped (${s.reason})`,
    })),
  };
  const fail = (site: RefSite, reason: string) =>
    result.failures.push({ path: site.path, source: site.ref.source, provider: site.ref.provider, reason });

  const groups = new Map<string, { provider: SecretProviderConfig; sites: RefSite[] }>();
  for (const site of active) {
    const problem = refIdProblem(site.ref);
    if (problem) {
      fail(site, problem);
      continue;
    }
    if (opts.skipSources?.includes(site.ref.source)) {
      result.skipped.push(site);
      continue;
    }
    const provider = findProvider(config, site.ref.source, site.ref.provider);
    if (typeof provider === "string") {
      fail(site, provider);
      continue;
    }
    const group = groups.get(site.ref.provider) ?? { provider, sites: [] };
    group.sites.push(site);
    groups.set(site.ref.provider, group);
  }

  const limits = secretsSection(config).resolution ?? {};
  const maxRefs = limits.maxRefsPerProvider ?? DEFAULT_MAX_REFS_PER_PROVIDER;
  const maxBatchBytes = limits.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  await mapLimit([...groups.entries()], limits.maxProviderConcurrency ?? DEFAULT_MAX_PROVIDER_CONCURRENCY, async ([alias, group]) => {
    const ids = [...new Set(group.sites.map((s) => s.ref.id))];
    if (ids.length > maxRefs) return group.sites.forEach((s) => fail(s, `provider has ${ids.length} ids, more than maxRefsPerProvider (${maxRefs})`));
    if (JSON.stringify(ids).length > maxBatchBytes) return group.sites.forEach((s) => fail(s, `batch is larger than maxBatchBytes (${maxBatchBytes})`));
    let outcomes: Map<string, IdOutcome>;
    try {
      outcomes = await resolveBatch(group.provider, ids, { alias, env: opts.env, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      return group.sites.forEach((s) => fail(s, (err as Error).message));
    }
    for (const site of group.sites) {
      const outcome = outcomes.get(site.ref.id);
      if (outcome?.ok) result.values.set(site.path, outcome.value);
      else fail(site, outcome?.reason ?? "no value returned");
    }
  });
  result.failures.sort((a, b) => a.path.localeCompare(b.path));
  return result;
}

/** One line per failure: `<path>: secret reference (<source> provider "<alias>") could not be resolved: <reason>`. */
export function formatSecretFailure(f: SecretFailure): string {
  return `${f.path}: secret reference (${f.source} provider "${f.provider}") could not be resolved: ${f.reason}`;
}
