// For CLI connections: when `gateway.auth.token` / `password` is a SecretRef, the CLI resolves it
// the way the gateway does so local commands keep working after a secret moves out of the file.
// Only env and file refs: running an exec resolver is the gateway's job.
import { getAtPath } from "../config/dotpath.js";
import { resolveConfigSecrets } from "./resolve.js";
import { isSecretRefLike } from "./values.js";

export async function resolveCliAuthRefs(config: unknown, env: NodeJS.ProcessEnv): Promise<{ token?: string; password?: string } | undefined> {
  const token = getAtPath(config, "gateway.auth.token");
  const password = getAtPath(config, "gateway.auth.password");
  if (!isSecretRefLike(token) && !isSecretRefLike(password)) return undefined;
  const subset = {
    secrets: getAtPath(config, "secrets"),
    gateway: { auth: { ...(isSecretRefLike(token) ? { token } : {}), ...(isSecretRefLike(password) ? { password } : {}) } },
  };
  const result = await resolveConfigSecrets(subset, { env, skipSources: ["exec"] });
  const out: { token?: string; password?: string } = {};
  const t = result.values.get("gateway.auth.token");
  const p = result.values.get("gateway.auth.password");
  if (t) out.token = t;
  if (p) out.password = p;
  return t || p ? out : undefined;
}
