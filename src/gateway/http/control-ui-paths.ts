// Which paths the Control UI stage may answer (spec 4.1, 4.11): everything under its base path
// except the gateway's own endpoint families, which it must never shadow when mounted at root.
// Import-free so the lazy stage's path check costs nothing at startup.

/** `"/"`, `""` and `undefined` mean root (`""`); otherwise `/a/b` without a trailing slash. */
export function normalizeControlUiBasePath(raw: string | undefined): string {
  const trimmed = (raw ?? "").trim().replace(/^\/+|\/+$/g, "");
  return trimmed ? `/${trimmed}` : "";
}

const RESERVED_EXACT = new Set(["/health", "/healthz", "/ready", "/readyz", "/tools/invoke", "/v1", "/hooks"]);
const RESERVED_PREFIX = ["/v1/", "/hooks/", "/__openclaw__/", "/health/", "/healthz/", "/ready/", "/readyz/", "/tools/"];
const SESSION_ENDPOINT = /^\/sessions\/[^/]+\/(kill|history)$/;

/** True for paths that belong to another stage, whatever the Control UI's base path. */
export function isReservedPath(pathname: string, hooksBase?: string | null): boolean {
  if (RESERVED_EXACT.has(pathname) || RESERVED_PREFIX.some((p) => pathname.startsWith(p)) || SESSION_ENDPOINT.test(pathname)) return true;
  return !!hooksBase && (pathname === hooksBase || pathname.startsWith(`${hooksBase}/`));
}

/** The path below the base (`/` for the base itself), or null when the request is not under it. */
export function pathUnderBase(pathname: string, base: string): string | null {
  if (base === "") return pathname;
  if (pathname === base) return "/";
  return pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : null;
}
