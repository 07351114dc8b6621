// Bearer auth for HTTP endpoints: 401/429 in the reference's shapes, shared by /v1, /tools/invoke
// and the session endpoints. Loopback is not special here; the rate limiter decides exemptions.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authorizeHttpBearer } from "../auth/authorize.js";
import type { GatewayServices } from "../services.js";
import { sendJson } from "./respond.js";

/** Returns true when the request may proceed; otherwise the 401/429 has been sent. */
export function requireBearer(gw: GatewayServices, req: IncomingMessage, res: ServerResponse, remoteAddress: string): boolean {
  const auth = gw.auth();
  const proxyHeaders = auth.mode === "trusted-proxy" ? req.headers : undefined;
  const result = authorizeHttpBearer(auth, req.headers.authorization, remoteAddress, gw.authLimiter, proxyHeaders);
  if (result.ok) return true;
  if (result.status === 429) {
    const retry = String(Math.ceil((result.retryAfterMs ?? 1000) / 1000));
    sendJson(res, 429, { error: { message: "Too many failed authentication attempts. Please try again later.", type: "rate_limited" } }, { "Retry-After": retry });
  } else {
    sendJson(res, 401, { error: { message: "Unauthorized", type: "unauthorized" } }, { "WWW-Authenticate": 'Bearer realm="openclaw"' });
  }
  return false;
}
