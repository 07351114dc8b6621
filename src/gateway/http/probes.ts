// Liveness (/health, /healthz) and readiness (/ready, /readyz) probes: no auth, never cached by
// proxies, and a readiness answer that reflects event-loop health, not just "the port is open".
import type { IncomingMessage, ServerResponse } from "node:http";
import { methodNotAllowed, sendJson } from "./respond.js";
import type { HttpStage } from "./router.js";

export interface ReadinessSource {
  /** Full readiness details (shown to local or authenticated callers). */
  readiness(): { ready: boolean; failing: string[]; uptimeMs: number; eventLoop?: Record<string, unknown> };
  /** Whether this request may see details (local, or a valid bearer). */
  mayViewDetails(req: IncomingMessage, isLocal: boolean): boolean;
}

const LIVE_BODY = { ok: true, status: "live" };
const NO_STORE = { "Cache-Control": "no-store" };

export function probesStage(source: ReadinessSource): HttpStage {
  return {
    name: "probes",
    handle(req: IncomingMessage, res: ServerResponse, ctx) {
      const p = ctx.url.pathname;
      const live = p === "/health" || p === "/healthz";
      const ready = p === "/ready" || p === "/readyz";
      if (!live && !ready) return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        methodNotAllowed(res, "GET, HEAD");
        return true;
      }
      if (live) {
        sendJson(res, 200, LIVE_BODY, NO_STORE);
        return true;
      }
      const r = source.readiness();
      const body = source.mayViewDetails(req, ctx.isLocal) ? r : { ready: r.ready };
      sendJson(res, r.ready ? 200 : 503, body, NO_STORE);
      return true;
    },
  };
}
