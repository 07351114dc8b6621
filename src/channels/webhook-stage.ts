// The HTTP stage for channel webhooks (Telegram's webhook mode) on the gateway's own port: exact
// path match, POST only, the channel's secret header compared in constant time, a bounded JSON
// body, and an immediate 200 so the remote never retries a message the agent is still answering.
import { safeEqualSecret } from "../gateway/auth/secret-compare.js";
import { HttpBodyError, readJsonBody } from "../gateway/http/body.js";
import { methodNotAllowed, sendJson, sendText } from "../gateway/http/respond.js";
import type { HttpStage } from "../gateway/http/router.js";
import type { WebhookRoute } from "./types.js";

const MAX_UPDATE_BYTES = 1024 * 1024;

export function webhookStage(routes: () => WebhookRoute[]): HttpStage {
  return {
    name: "channel-webhooks",
    async handle(req, res, ctx) {
      const list = routes();
      if (list.length === 0) return false;
      const route = list.find((r) => r.path === ctx.url.pathname);
      if (!route) return false;
      if (req.method !== "POST") {
        methodNotAllowed(res, "POST");
        return true;
      }
      if (route.secret !== undefined) {
        const got = req.headers[route.secretHeader];
        if (!safeEqualSecret(typeof got === "string" ? got : undefined, route.secret)) {
          req.resume();
          sendText(res, 401, "Unauthorized");
          return true;
        }
      }
      let body: unknown;
      try {
        body = await readJsonBody(req, { maxBytes: MAX_UPDATE_BYTES, timeoutMs: 10_000 });
      } catch (err) {
        const status = err instanceof HttpBodyError ? err.status : 400;
        sendText(res, status, err instanceof Error ? err.message : "Bad Request");
        return true;
      }
      sendJson(res, 200, { ok: true });
      route.deliver(body);
      return true;
    },
  };
}
