// `POST /v1/embeddings` (spec 4.6): served when chat completions or responses is enabled. `model`
// names an agent; the vectors come from the configured embedding model's OpenAI-compatible
// `/embeddings` endpoint (OpenAI, any configured provider, or a local Ollama's `/v1`).
import type { IncomingMessage, ServerResponse } from "node:http";
import type OpenAI from "openai";
import { ClientCache } from "../../../agents/providers/client-cache.js";
import { retryAfterMs, toProviderError } from "../../../agents/providers/errors.js";
import { createHttpTransport } from "../../../agents/providers/http-transport.js";
import { createOpenAIClient } from "../../../agents/providers/openai-client.js";
import { resolveModelRef } from "../../../agents/providers/resolve.js";
import type { ResolvedModel } from "../../../agents/types.js";
import { Scopes } from "../../../protocol/scopes.js";
import type { GatewayServices } from "../../services.js";
import { HttpBodyError, readJsonBody } from "../body.js";
import { requireBearer, requireHttpScope } from "../http-auth.js";
import { sendJson } from "../respond.js";
import type { HttpStage } from "../router.js";
import { handleCors } from "./cors.js";
import {
  decodeFloat32Base64,
  embeddingModelRef,
  EmbeddingsRequestError,
  encodeFloat32Base64,
  parseEmbeddingsRequest,
  type EmbeddingsRequest,
} from "./embeddings-request.js";
import { requireEndpoint } from "./enablement.js";
import { sendOpenAiError } from "./errors.js";
import { resolveRoute, RoutingError } from "./routing.js";

export const EMBEDDINGS_PATH = "/v1/embeddings";
export const EMBEDDINGS_MAX_BODY_BYTES = 5 * 1024 * 1024;
const UPSTREAM_TIMEOUT_MS = 60_000;
const BODY_TIMEOUT_MS = 30_000;

/** An upstream failure as the client sees it; the cause stays in the message. */
class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function embeddingsStage(gw: GatewayServices): HttpStage {
  const clients = new ClientCache<OpenAI>();
  const transport = createHttpTransport();

  async function embed(model: ResolvedModel, request: EmbeddingsRequest, signal: AbortSignal) {
    if (model.api === "anthropic-messages") {
      throw new EmbeddingsRequestError(`Embedding model '${model.ref}' is served by an Anthropic Messages API, which has no embeddings endpoint.`, "model", "invalid_embedding_model");
    }
    const client = await clients.get(model, () => createOpenAIClient(model, UPSTREAM_TIMEOUT_MS, transport.fetch));
    try {
      return await client.embeddings.create(
        { model: model.model, input: request.inputs, encoding_format: "float", ...(request.dimensions ? { dimensions: request.dimensions } : {}) },
        { signal },
      );
    } catch (err) {
      const e = toProviderError(err, { provider: model.provider, baseUrl: model.baseUrl, ...(model.apiKeySource ? { keySource: model.apiKeySource } : {}), timeoutMs: UPSTREAM_TIMEOUT_MS, aborted: signal.aborted, timedOut: false });
      const message = `Embedding request to ${model.provider} failed: ${e.message}`;
      if (e.kind === "rate_limit") {
        const retry = String(Math.max(1, Math.ceil((retryAfterMs(e) ?? 5000) / 1000)));
        throw new UpstreamError(429, message, "rate_limit_error", "rate_limit_exceeded", { "Retry-After": retry });
      }
      if (e.kind === "timeout") throw new UpstreamError(504, message, "server_error", "upstream_timeout");
      if (e.kind === "auth") throw new UpstreamError(502, message, "server_error", "upstream_auth_error");
      if (e.kind === "bad_request" || e.kind === "context_length") throw new UpstreamError(400, message, "invalid_request_error", "upstream_bad_request");
      throw new UpstreamError(502, message, "server_error", "upstream_error");
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, { maxBytes: EMBEDDINGS_MAX_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS });
    const request = parseEmbeddingsRequest(body);
    // `x-openclaw-model` names the embedding model here, not a chat model for the agent.
    const routeReq = { headers: { ...req.headers, "x-openclaw-model": undefined } } as unknown as IncomingMessage;
    const route = resolveRoute(gw, routeReq, { model: request.model, user: request.user, prefix: "openai", sessionFromUser: false });
    const config = gw.config();
    const ref = embeddingModelRef(req, config, route.agentId);
    let model: ResolvedModel;
    try {
      model = resolveModelRef(ref, config, gw.env, gw.secrets);
    } catch (err) {
      throw new EmbeddingsRequestError(`Embedding model '${ref}' cannot be used: ${(err as Error).message}`, "model", "invalid_embedding_model");
    }
    const controller = new AbortController();
    const onClose = () => !res.writableFinished && controller.abort();
    res.on("close", onClose);
    let upstream;
    try {
      upstream = await embed(model, request, controller.signal);
    } finally {
      res.off("close", onClose);
    }
    if (controller.signal.aborted) return;
    const rows = [...(upstream.data ?? [])].sort((a, b) => a.index - b.index);
    if (rows.length !== request.inputs.length) {
      throw new UpstreamError(502, `Embedding request to ${model.provider} returned ${rows.length} vectors for ${request.inputs.length} inputs.`, "server_error", "upstream_error");
    }
    const data = rows.map((row, index) => {
      const raw = row.embedding as unknown;
      const vector = typeof raw === "string" ? decodeFloat32Base64(raw) : (raw as number[]);
      return { object: "embedding", index, embedding: request.encodingFormat === "base64" ? encodeFloat32Base64(vector) : vector };
    });
    const usage = { prompt_tokens: upstream.usage?.prompt_tokens ?? 0, total_tokens: upstream.usage?.total_tokens ?? 0 };
    sendJson(res, 200, { object: "list", data, model: request.model, usage });
  }

  return {
    name: "openai-embeddings",
    async handle(req, res, ctx) {
      if (ctx.url.pathname !== EMBEDDINGS_PATH) return false;
      const config = gw.config();
      if (handleCors(config, req, res)) return true;
      if (!requireEndpoint(config, res, EMBEDDINGS_PATH, ["chatCompletions", "responses"])) return true;
      if (req.method !== "POST") {
        sendOpenAiError(res, 405, `Method ${req.method} is not allowed on ${EMBEDDINGS_PATH}; use POST.`, { code: "method_not_allowed", headers: { Allow: "POST" } });
        return true;
      }
      if (!requireBearer(gw, req, res, ctx.remoteAddress, "openai") || !requireHttpScope(gw, req, res, Scopes.write, "openai")) return true;
      try {
        await serve(req, res);
      } catch (err) {
        if (res.headersSent) throw err;
        if (err instanceof HttpBodyError) sendOpenAiError(res, err.status, err.message);
        else if (err instanceof EmbeddingsRequestError) sendOpenAiError(res, 400, err.message, { code: err.code, param: err.param });
        else if (err instanceof RoutingError) sendOpenAiError(res, err.status, err.message, { code: err.code, param: err.param });
        else if (err instanceof UpstreamError) sendOpenAiError(res, err.status, err.message, { type: err.type, code: err.code, headers: err.headers });
        else throw err;
      }
      return true;
    },
  };
}

