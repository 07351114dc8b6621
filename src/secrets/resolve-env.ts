// The `env` source: the gateway's environment, optionally limited to an allowlist of names.
import type { BatchResolver, IdOutcome } from "./provider-types.js";

export const resolveEnvBatch: BatchResolver<"env"> = async (ids, provider, ctx) => {
  const out = new Map<string, IdOutcome>();
  for (const id of ids) {
    if (provider.allowlist && !provider.allowlist.includes(id)) out.set(id, { ok: false, reason: `${id} is not in the provider's allowlist` });
    else {
      const value = ctx.env[id];
      out.set(id, value ? { ok: true, value } : { ok: false, reason: `environment variable ${id} is not set` });
    }
  }
  return out;
};
