// Bearer auth for HTTP endpoints: 401/429 in the reference's shapes, shared by /v1, /tools/invoke
// and the session endpoints. Loopback is not special here; the rate limiter decides exemptions.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authorizeHttpBearer } from "../auth/authorize.js";
import { hasScope } from "../../protocol/scopes.js";
import type { GatewayServices } from "../services.js";
import { sendJson } from "./respond.js";

/**
 * How a refusal is written: the reference's bodies, or for /v1 the same ones in the OpenAI shape
 * (`param` and a `code` added: invalid_api_key, rate_limit_exceeded, missing_scope), which
 * openai-node and LobeChat read.
 */
export type RefusalShape = "reference" | "openai";

const openAiFields = (shape: RefusalShape, code: string) => (shape === "openai" ? { param: null, code } : {});

/** Returns true when the request may proceed; otherwise the 401/429 has been sent. */
export function requireBearer(gw: GatewayServices, req: IncomingMessage, res: ServerResponse, remoteAddress: string, shape: RefusalShape = "reference"): boolean {
  const auth = gw.auth();
  const peer = req.socket.remoteAddress ?? "";
  const proxy = auth.mode === "trusted-proxy" ? { headers: req.headers, peer, peerTrusted: gw.isTrustedProxy(peer) } : undefined;
  const result = authorizeHttpBearer(auth, req.headers.authorization, remoteAddress, gw.authLimiter, proxy);
  if (result.ok) return true;
  if (result.status === 429) {
    const retry = String(Math.ceil((result.retryAfterMs ?? 1000) / 1000));
    const message = "Too many failed authentication attempts. Please try again later.";
    sendJson(res, 429, { error: { message, type: "rate_limited", ...openAiFields(shape, "rate_limit_exceeded") } }, { "Retry-After": retry });
  } else {
    sendJson(res, 401, { error: { message: "Unauthorized", type: "unauthorized", ...openAiFields(shape, "invalid_api_key") } }, { "WWW-Authenticate": 'Bearer realm="openclaw"' });
  }
  return false;
}

/**
 * Spec 4.3: shared-secret bearers get the full CLI scope set; with auth `none` or trusted-proxy a
 * caller may narrow its scopes with `x-openclaw-scopes`. Returns the missing scope, or null.
 */
export function missingHttpScope(gw: GatewayServices, req: IncomingMessage, required: string): string | null {
  const mode = gw.auth().mode;
  const raw = req.headers["x-openclaw-scopes"];
  if ((mode !== "none" && mode !== "trusted-proxy") || raw === undefined) return null;
  const scopes = (Array.isArray(raw) ? raw.join(",") : raw).split(",").map((s) => s.trim()).filter(Boolean);
  return hasScope(scopes, required) ? null : required;
}

/**
 * Answers 403 `{ok:false, error:{type:"forbidden", message:"missing scope: X"}}` (spec 4.3; in
 * the OpenAI shape on /v1) and returns false when a scope is missing.
 */
export function requireHttpScope(gw: GatewayServices, req: IncomingMessage, res: ServerResponse, required: string, shape: RefusalShape = "reference"): boolean {
  const missing = missingHttpScope(gw, req, required);
  if (!missing) return true;
  const message = `missing scope: ${missing}`;
  if (shape === "openai") sendJson(res, 403, { error: { message, type: "forbidden", param: null, code: "missing_scope" } });
  else sendJson(res, 403, { ok: false, error: { type: "forbidden", message } });
  return false;
}
