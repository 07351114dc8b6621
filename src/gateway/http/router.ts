// The staged HTTP router: stages run in order and the first that handles a request wins;
// later issues add stages (hooks, /v1, /tools/invoke, Control UI) without touching this file.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { applySecurityHeaders, notFound, sendJson, sendText } from "./respond.js";

/** The OpenAI-compatible API's paths, whose every answer is OpenAI-shaped. */
export const isV1Path = (p: string): boolean => p === "/v1" || p.startsWith("/v1/");

export interface HttpRequestContext {
  url: URL;
  /** Client IP as seen on the socket. */
  remoteAddress: string;
  /** True for a direct loopback connection without proxy headers. */
  isLocal: boolean;
  /** Echoed from `x-request-id` when the client sent a sane one, else generated; set on the response. */
  requestId: string;
}

/** Returns true when it handled the request. */
export type HttpStage = {
  name: string;
  handle(req: IncomingMessage, res: ServerResponse, ctx: HttpRequestContext): boolean | Promise<boolean>;
};

export interface RouterOptions {
  stages: () => readonly HttpStage[];
  describe: (req: IncomingMessage) => { remoteAddress: string; isLocal: boolean };
  hsts?: () => string | false | undefined;
  onError?: (err: unknown, req: IncomingMessage) => void;
}

export function createHttpHandler(opts: RouterOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    applySecurityHeaders(res, opts.hsts?.());
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://gateway.local");
    } catch {
      sendText(res, 400, "Bad Request");
      return;
    }
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader("x-request-id", requestId);
    const ctx: HttpRequestContext = { url, requestId, ...opts.describe(req) };
    try {
      for (const stage of opts.stages()) {
        if (await stage.handle(req, res, ctx)) return;
      }
      notFound(res);
    } catch (err) {
      opts.onError?.(err, req);
      if (res.headersSent) res.destroy();
      // OpenAI clients read every /v1 answer as `{"error":{...}}` (spec 4.6: "internal error").
      else if (isV1Path(url.pathname)) sendJson(res, 500, { error: { message: "internal error", type: "server_error", param: null, code: "internal_error" } });
      else sendText(res, 500, "Internal Server Error");
    }
  };
}
