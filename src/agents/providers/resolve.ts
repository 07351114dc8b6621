// Model references (`provider/model`) resolved against `models.providers` and the environment,
// the per-agent model chain (primary, then fallbacks), and the catalogue behind `models.list`.
import type { OpenClawConfig } from "../../config/schema.js";
import { formatPath } from "../../config/dotpath.js";
import { NO_SECRETS, readSecretInput, type SecretValues } from "../../secrets/values.js";
import type { ProviderApi, ResolvedModel } from "../types.js";

type Env = Record<string, string | undefined>;
type ProviderConfig = NonNullable<NonNullable<OpenClawConfig["models"]>["providers"]>[string];
type ModelChoice = string | { primary?: string; fallbacks?: string[] } | undefined;

export const DEFAULT_CONTEXT_WINDOW = 128_000;
export const DEFAULT_MAX_TOKENS = 4096;
export const DEFAULT_OPENAI_MODEL = "openai/gpt-4o-mini";
export const DEFAULT_ANTHROPIC_MODEL = "anthropic/claude-sonnet-4-5";
export const OLLAMA_BASE_URL = "http://127.0.0.1:11434";

const APIS: readonly ProviderApi[] = ["openai-completions", "openai-responses", "anthropic-messages"];

// Providers that work without a `models.providers` entry.
const BUILTIN: Record<string, { baseUrl: string; api: ProviderApi; keyEnv?: string }> = {
  openai: { baseUrl: "https://api.openai.com/v1", api: "openai-completions", keyEnv: "OPENAI_API_KEY" },
  anthropic: { baseUrl: "https://api.anthropic.com", api: "anthropic-messages", keyEnv: "ANTHROPIC_API_KEY" },
  ollama: { baseUrl: `${OLLAMA_BASE_URL}/v1`, api: "openai-completions" },
};

/**
 * Resolves `provider/model` (or an alias from `agents.defaults.models`) to everything an adapter
 * needs. SecretRefs in `apiKey` and `headers` are read from `secrets` (the active snapshot).
 */
export function resolveModelRef(ref: string, config: OpenClawConfig, env: Env = process.env, secrets: SecretValues = NO_SECRETS): ResolvedModel {
  const full = expandAlias(ref.trim(), config);
  const slash = full.indexOf("/");
  if (slash <= 0 || slash === full.length - 1) {
    throw new Error(`invalid model reference "${ref}" (expected provider/model, e.g. "${DEFAULT_OPENAI_MODEL}")`);
  }
  const provider = full.slice(0, slash);
  const model = full.slice(slash + 1);
  const configured = findProvider(config, provider);
  if (configured) return fromConfig(full, configured.id, model, configured.entry, env, secrets);

  const builtin = BUILTIN[provider.toLowerCase()];
  const key = builtin?.keyEnv ? env[builtin.keyEnv] : undefined;
  if (!builtin || (builtin.keyEnv && !key)) {
    throw new Error(
      `unknown model provider "${provider}" in "${ref}" (configure models.providers.${provider} or set its API key)`,
    );
  }
  return {
    ref: full,
    provider: provider.toLowerCase(),
    model,
    api: builtin.api,
    baseUrl: builtin.baseUrl,
    ...(key ? { apiKey: key } : {}),
    ...(builtin.keyEnv ? { apiKeySource: builtin.keyEnv } : {}),
    contextWindow: DEFAULT_CONTEXT_WINDOW,
    maxTokens: DEFAULT_MAX_TOKENS,
  };
}

function fromConfig(ref: string, id: string, model: string, p: ProviderConfig, env: Env, secrets: SecretValues): ResolvedModel {
  const def = p.models.find((m) => m.id === model);
  const api = (p.api ?? def?.api ?? (id === "anthropic" ? "anthropic-messages" : "openai-completions")) as ProviderApi;
  if (!APIS.includes(api)) {
    throw new Error(`models.providers.${id}.api "${api}" is not supported here (use ${APIS.join(", ")})`);
  }
  const keyEnv = BUILTIN[id]?.keyEnv;
  const keyPath = formatPath(["models", "providers", id, "apiKey"]);
  const fromEnv = p.apiKey === undefined && keyEnv !== undefined && env[keyEnv] !== undefined;
  const apiKey = p.apiKey !== undefined ? readSecretInput(p.apiKey, keyPath, secrets) : keyEnv ? env[keyEnv] : undefined;
  const resolved: ResolvedModel = {
    ref,
    provider: id,
    model,
    api,
    baseUrl: p.baseUrl,
    apiKeySource: fromEnv ? keyEnv : keyPath,
    contextWindow: def?.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
    maxTokens: def?.maxTokens ?? DEFAULT_MAX_TOKENS,
  };
  if (apiKey) resolved.apiKey = apiKey;
  if (p.headers && Object.keys(p.headers).length) {
    resolved.headers = Object.fromEntries(
      Object.entries(p.headers).map(([k, v]) => [k, readSecretInput(v, formatPath(["models", "providers", id, "headers", k]), secrets) ?? ""]),
    );
  }
  if (def?.name) resolved.name = def.name;
  if (def?.reasoning !== undefined) resolved.reasoning = def.reasoning;
  return resolved;
}

function findProvider(config: OpenClawConfig, provider: string): { id: string; entry: ProviderConfig } | undefined {
  const providers = config.models?.providers ?? {};
  if (providers[provider]) return { id: provider, entry: providers[provider] };
  const lower = provider.toLowerCase();
  const id = Object.keys(providers).find((k) => k.toLowerCase() === lower);
  return id ? { id, entry: providers[id]! } : undefined;
}

function expandAlias(ref: string, config: OpenClawConfig): string {
  if (ref.includes("/")) return ref;
  const wanted = ref.toLowerCase();
  for (const [full, entry] of Object.entries(config.agents?.defaults?.models ?? {})) {
    if (entry.alias?.toLowerCase() === wanted) return full;
  }
  return ref;
}

/**
 * The agent's model refs, primary first then fallbacks (agent entry over `agents.defaults.model`).
 * With nothing configured it picks a default from what is available, or returns `[]` so the
 * caller can say "no model configured".
 */
export function modelChainFor(agentId: string, config: OpenClawConfig, env: Env = process.env): string[] {
  const defaults = config.agents?.defaults?.model as ModelChoice;
  const agentModel = config.agents?.list?.find((a) => a.id === agentId)?.model as ModelChoice;
  const primary = primaryOf(agentModel) ?? primaryOf(defaults);
  // An agent that only names a primary keeps the default fallbacks.
  const fallbacks = fallbacksOf(agentModel) ?? fallbacksOf(defaults) ?? [];
  if (primary) return dedupe([primary, ...fallbacks]);
  if (fallbacks.length) return dedupe(fallbacks);
  const fallback = defaultRef(config, env);
  return fallback ? [fallback] : [];
}

function primaryOf(choice: ModelChoice): string | undefined {
  const ref = typeof choice === "string" ? choice : choice?.primary;
  return ref?.trim() || undefined;
}

function fallbacksOf(choice: ModelChoice): string[] | undefined {
  return typeof choice === "object" && choice.fallbacks ? choice.fallbacks : undefined;
}

function dedupe(refs: string[]): string[] {
  return [...new Set(refs.map((r) => r.trim()).filter(Boolean))];
}

/** The model used when none is configured, or undefined when no provider is reachable at all. */
export function defaultRef(config: OpenClawConfig, env: Env = process.env): string | undefined {
  const providers = config.models?.providers ?? {};
  if (env.OPENAI_API_KEY || providers.openai) return DEFAULT_OPENAI_MODEL;
  for (const [id, p] of Object.entries(providers)) {
    if (p.models[0]) return `${id}/${p.models[0].id}`;
  }
  if (env.ANTHROPIC_API_KEY) return DEFAULT_ANTHROPIC_MODEL;
  return Object.keys(providers).length ? DEFAULT_OPENAI_MODEL : undefined;
}

/** One row of `models.list`. */
export interface CatalogEntry {
  id: string;
  name: string;
  provider: string;
  alias?: string;
  contextWindow?: number;
  reasoning?: boolean;
}

export interface CatalogOptions {
  signal?: AbortSignal;
  /** Probe for a local Ollama when nothing else is configured (default true). */
  detectOllama?: boolean;
  /** Where to probe; tests point this at a fake server. */
  ollamaUrl?: string;
  /** Probe timeout (default 300 ms); tests on a loaded machine give it more. */
  ollamaTimeoutMs?: number;
}

/** Every configured provider's models plus the configured model refs; a local Ollama's models when that is all there is. */
export async function listCatalog(config: OpenClawConfig, env: Env = process.env, opts: CatalogOptions = {}): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  const seen = new Set<string>();
  const add = (entry: CatalogEntry) => {
    const key = `${entry.provider}/${entry.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    entries.push(entry);
  };
  const aliases = config.agents?.defaults?.models ?? {};
  for (const [provider, p] of Object.entries(config.models?.providers ?? {})) {
    for (const m of p.models) {
      const entry: CatalogEntry = { id: m.id, name: m.name ?? m.id, provider };
      const alias = aliases[`${provider}/${m.id}`]?.alias;
      if (alias) entry.alias = alias;
      if (m.contextWindow !== undefined) entry.contextWindow = m.contextWindow;
      if (m.reasoning !== undefined) entry.reasoning = m.reasoning;
      add(entry);
    }
  }
  const refs = [
    ...modelChainFor("", config, env),
    ...(config.agents?.list ?? []).flatMap((a) => modelChainFor(a.id, config, env)),
    ...Object.keys(aliases),
  ];
  for (const ref of refs) {
    const slash = ref.indexOf("/");
    if (slash <= 0) continue;
    const id = ref.slice(slash + 1);
    const entry: CatalogEntry = { id, name: id, provider: ref.slice(0, slash) };
    if (aliases[ref]?.alias) entry.alias = aliases[ref].alias;
    add(entry);
  }
  if (entries.length === 0 && opts.detectOllama !== false) {
    const names = await detectOllama(opts.signal, opts.ollamaUrl, opts.ollamaTimeoutMs);
    for (const name of names ?? []) add({ id: name, name, provider: "ollama" });
  }
  return entries;
}

const OLLAMA_PROBE_MS = 300;
const OLLAMA_CACHE_MS = 30_000;
// A memo of a loopback probe, shared by every gateway in the process on purpose: the answer
// is the same for all of them, and `models.list` must not pay 300 ms each call.
const ollamaProbes = new Map<string, { at: number; result: Promise<string[] | null> }>();

/** The model names a local Ollama serves, or null when none answers within 300 ms. Cached for 30 s. */
export function detectOllama(signal?: AbortSignal, baseUrl = OLLAMA_BASE_URL, timeoutMs = OLLAMA_PROBE_MS): Promise<string[] | null> {
  const cached = ollamaProbes.get(baseUrl);
  if (cached && Date.now() - cached.at < OLLAMA_CACHE_MS) return cached.result;
  const result = probeOllama(baseUrl, timeoutMs, signal);
  ollamaProbes.set(baseUrl, { at: Date.now(), result });
  // A probe the caller cancelled says nothing about Ollama; do not remember it.
  void result.then(() => {
    if (signal?.aborted && ollamaProbes.get(baseUrl)?.result === result) ollamaProbes.delete(baseUrl);
  });
  return result;
}

async function probeOllama(baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<string[] | null> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const res = await fetch(`${baseUrl}/api/tags`, { signal: controller.signal });
    if (!res.ok) return null;
    const body = (await res.json()) as { models?: { name?: unknown; model?: unknown }[] };
    return (body.models ?? [])
      .map((m) => (typeof m.name === "string" ? m.name : typeof m.model === "string" ? m.model : ""))
      .filter(Boolean);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
