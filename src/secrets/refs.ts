// Finding SecretRefs in a config: every `{source, provider, id}` object wherever it sits (gateway
// auth, provider keys and headers, hooks, channel tokens, sections not modelled yet), with the
// rules that make some of them inactive and the id rules of spec 5.4.
import { formatPath, type PathSegment } from "../config/dotpath.js";
import { isPlainObject } from "../config/object-utils.js";
import { isSecretRefLike } from "./values.js";

export type SecretSource = "env" | "file" | "exec";

/** A SecretRef with its provider alias filled in (from `secrets.defaults` when omitted). */
export interface ResolvedRef {
  source: SecretSource;
  provider: string;
  id: string;
}

/** One place in the config that holds a SecretRef. */
export interface RefSite {
  path: string;
  ref: ResolvedRef;
}

export interface CollectedRefs {
  active: RefSite[];
  /** Refs on surfaces that are switched off: not resolved, reported as warnings. */
  inactive: Array<RefSite & { reason: string }>;
}

export const PROVIDER_ALIAS = /^[a-z][a-z0-9_-]{0,63}$/;
export const ENV_ID = /^[A-Z][A-Z0-9_]{0,127}$/;
const EXEC_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;
export const DEFAULT_PROVIDER_ALIAS = "default";

/** Why `ref` breaks the id rules of spec 5.4, or null. */
export function refIdProblem(ref: ResolvedRef): string | null {
  if (!PROVIDER_ALIAS.test(ref.provider)) return `provider alias "${ref.provider}" must match ${PROVIDER_ALIAS.source}`;
  if (ref.source === "env" && !ENV_ID.test(ref.id)) return `env id "${ref.id}" must match ${ENV_ID.source}`;
  if (ref.source === "file" && !(ref.id === "value" || ref.id.startsWith("/"))) {
    return `file id "${ref.id}" must be an absolute JSON pointer ("/a/b") or "value"`;
  }
  if (ref.source === "exec") {
    if (!EXEC_ID.test(ref.id)) return `exec id "${ref.id}" must match ${EXEC_ID.source}`;
    if (ref.id.split("/").some((s) => s === "." || s === "..")) return `exec id "${ref.id}" may not contain "." or ".." segments`;
  }
  return null;
}

type Defaults = Partial<Record<SecretSource, string>>;

function defaultsOf(config: unknown): Defaults {
  const d = isPlainObject(config) && isPlainObject(config.secrets) ? config.secrets.defaults : undefined;
  return isPlainObject(d) ? (d as Defaults) : {};
}

/** The provider alias a ref uses: its own, else `secrets.defaults.<source>`, else "default". */
export function providerAliasFor(ref: { source: SecretSource; provider?: string }, config: unknown): string {
  return ref.provider ?? defaultsOf(config)[ref.source] ?? DEFAULT_PROVIDER_ALIAS;
}

// gateway.remote holds client-side credentials: they matter only when this host talks to a
// remote gateway (spec 5.2), so a local gateway does not fail on them.
function remoteInactive(config: Record<string, unknown>): string | null {
  const gw = isPlainObject(config.gateway) ? config.gateway : {};
  const remote = isPlainObject(gw.remote) ? gw.remote : {};
  if (gw.mode === "remote" || typeof remote.url === "string") return null;
  return "gateway.remote is not in use (gateway.mode is not remote and gateway.remote.url is unset)";
}

/** Every SecretRef in `config` (the `secrets` section itself excluded), split by active surface. */
export function collectSecretRefs(config: unknown): CollectedRefs {
  const out: CollectedRefs = { active: [], inactive: [] };
  if (!isPlainObject(config)) return out;
  const hooksOff = !(isPlainObject(config.hooks) && config.hooks.enabled === true);
  const remoteOff = remoteInactive(config);
  const walk = (node: unknown, at: PathSegment[], disabledAt: string | null) => {
    if (isSecretRefLike(node)) {
      const site: RefSite = {
        path: formatPath(at),
        ref: { source: node.source, provider: providerAliasFor(node, config), id: node.id },
      };
      const reason =
        at[0] === "hooks" && hooksOff ? "hooks.enabled is not true"
        : disabledAt ? `${disabledAt} is disabled`
        : at[0] === "gateway" && at[1] === "remote" ? remoteOff
        : null;
      if (reason) out.inactive.push({ ...site, reason });
      else out.active.push(site);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...at, i], disabledAt));
      return;
    }
    if (!isPlainObject(node)) return;
    // `enabled: false` switches off everything below it (a channel, an account, a remote).
    const off = disabledAt ?? (at.length > 0 && node.enabled === false ? formatPath(at) : null);
    for (const [key, value] of Object.entries(node)) {
      if (at.length === 0 && key === "secrets") continue;
      walk(value, [...at, key], off);
    }
  };
  walk(config, [], null);
  return out;
}
