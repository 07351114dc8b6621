// CORS for browser clients of the /v1 endpoints (LobeChat "client mode", openai-node with
// dangerouslyAllowBrowser): `gateway.http.cors.allowedOrigins` lists the origins (`"*"` = any).
// Preflights are answered before auth because browsers never send credentials on them.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OpenClawConfig } from "../../../config/schema.js";

export const CORS_ALLOW_METHODS = "GET, POST, OPTIONS";
export const CORS_MAX_AGE_S = 600;
/** Response headers a browser script may read: the request id and the retry hints openai-node uses. */
export const CORS_EXPOSE_HEADERS = "x-request-id, retry-after, x-should-retry";

// Always allowed; `user-agent` because openai-node sets it and Firefox then preflights it.
const BASE_HEADERS = ["authorization", "content-type", "accept", "x-request-id", "user-agent"];
// Header families: ours, and the SDK's (`openai-organization`, `x-stainless-retry-count`, ...).
const HEADER_PREFIXES = ["x-openclaw-", "openai-", "x-stainless-"];

function allowedOrigin(config: OpenClawConfig, origin: string): boolean {
  const list = config.gateway?.http?.cors?.allowedOrigins;
  if (!list?.length) return false;
  return list.some((o) => o === "*" || o.replace(/\/+$/, "").toLowerCase() === origin.toLowerCase());
}

/** The requested headers we allow: the base set plus requested ones from the allowed families. */
export function allowedRequestHeaders(requested: string | undefined): string {
  const out = new Set(BASE_HEADERS);
  for (const raw of (requested ?? "").split(",")) {
    const name = raw.trim().toLowerCase();
    if (name && HEADER_PREFIXES.some((p) => name.startsWith(p))) out.add(name);
  }
  return [...out].join(", ");
}

function addVary(res: ServerResponse, value: string): void {
  const prev = res.getHeader("Vary");
  res.setHeader("Vary", prev ? `${String(prev)}, ${value}` : value);
}

/**
 * Adds CORS headers when the request's Origin is allowed (a disallowed one gets none, so the
 * browser blocks it) and answers an allowed preflight with 204. Returns true when it answered.
 */
export function handleCors(config: OpenClawConfig, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!origin || !config.gateway?.http?.cors?.allowedOrigins?.length) return false;
  // The answer depends on Origin whether or not this one is allowed: caches must key on it.
  addVary(res, "Origin");
  if (!allowedOrigin(config, origin)) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!preflight) return false;
  const requested = req.headers["access-control-request-headers"];
  res.statusCode = 204;
  res.setHeader("Access-Control-Allow-Methods", CORS_ALLOW_METHODS);
  res.setHeader("Access-Control-Allow-Headers", allowedRequestHeaders(Array.isArray(requested) ? requested.join(",") : requested));
  res.setHeader("Access-Control-Max-Age", String(CORS_MAX_AGE_S));
  res.setHeader("Content-Length", "0");
  res.end();
  return true;
}
