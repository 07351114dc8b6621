// The read side of resolved secrets, kept tiny so request paths (auth, providers, hooks) depend
// on this and not on the resolvers.

/** Resolved secret values by dotted config path (`gateway.auth.token`, `models.providers.x.apiKey`). */
export interface SecretValues {
  get(path: string): string | undefined;
}

/** No resolved values: every SecretRef read through it is "not resolved". */
export const NO_SECRETS: SecretValues = { get: () => undefined };

/** The one-line error for a SecretRef with no value in the active snapshot (names the path only). */
export function unresolvedRefMessage(path: string, ref: { source?: unknown; provider?: unknown }): string {
  return `${path} is a secret reference (${String(ref.source)} provider "${String(ref.provider)}") with no resolved value; run \`openclaw secrets reload\` or check \`openclaw secrets audit\``;
}

/** True for a SecretRef-shaped object (`{source, provider?, id}`), as found anywhere in the config. */
export function isSecretRefLike(value: unknown): value is { source: "env" | "file" | "exec"; provider?: string; id: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (v.source !== "env" && v.source !== "file" && v.source !== "exec") return false;
  if (typeof v.id !== "string") return false;
  if (v.provider !== undefined && typeof v.provider !== "string") return false;
  return Object.keys(v).every((k) => k === "source" || k === "provider" || k === "id");
}

/**
 * A SecretInput read through the snapshot: plain strings as they are (empty = unset), refs from
 * `secrets` by `path`. Throws `makeError(message)` for a ref the snapshot does not hold.
 */
export function readSecretInput(
  value: unknown,
  path: string,
  secrets: SecretValues,
  makeError: (message: string) => Error = (m) => new Error(m),
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value === "" ? undefined : value;
  if (isSecretRefLike(value)) {
    const resolved = secrets.get(path);
    if (resolved === undefined) throw makeError(unresolvedRefMessage(path, value));
    return resolved;
  }
  throw makeError(`${path} must be a string or a secret reference`);
}
