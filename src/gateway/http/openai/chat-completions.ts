// POST /v1/chat/completions (spec 4.7): CORS, enablement, auth, the body, the plan, then one
// agent run answered as a chat.completion (here) or a chunk stream (chat-stream.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunResult } from "../../../agents/engine/run-events.js";
import type { GatewayServices } from "../../services.js";
import { HttpBodyError, readJsonBody } from "../body.js";
import { requireBearer, requireHttpScope } from "../http-auth.js";
import { Scopes } from "../../../protocol/scopes.js";
import { sendJson } from "../respond.js";
import type { HttpStage } from "../router.js";
import { CHAT_COMPLETIONS_PATH, chatMaxBodyBytes, NO_RESPONSE_TEXT, planChat, wireToolCalls, type ChatPlan } from "./chat-request.js";
import { streamChatCompletion } from "./chat-stream.js";
import { handleCors } from "./cors.js";
import { requireEndpoint } from "./enablement.js";
import { sendOpenAiError } from "./errors.js";
import { OpenAiRequestError } from "./messages.js";
import { RoutingError } from "./routing.js";
import { clientGone, finishReason, runFailure, startClientRun, startFailure, usageOf, type RunFailure } from "./run-stream.js";

const BODY_TIMEOUT_MS = 30_000;
const BODY_ERROR_CODES: Record<HttpBodyError["status"], string> = { 400: "invalid_json", 408: "request_timeout", 413: "request_too_large" };

function sendFailure(res: ServerResponse, f: RunFailure): void {
  sendOpenAiError(res, f.status, f.message, { type: f.type, code: f.code, headers: f.headers });
}

/** The non-stream answer of a successful run. */
export function completionBody(plan: ChatPlan, result: RunResult) {
  const calls = result.toolCalls ?? [];
  const content = calls.length ? result.text || null : result.text || NO_RESPONSE_TEXT;
  const message = { role: "assistant", content, refusal: null, ...(calls.length ? { tool_calls: wireToolCalls(calls) } : {}) };
  const u = usageOf(result);
  return {
    id: plan.id,
    object: "chat.completion",
    created: plan.created,
    model: plan.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(result) }],
    usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.total },
  };
}

async function complete(gw: GatewayServices, res: ServerResponse, plan: ChatPlan): Promise<void> {
  let run;
  try {
    // The answer goes out whole, so the model may give it whole too.
    run = startClientRun(gw, res, { ...plan.request, incremental: false });
  } catch (err) {
    return sendFailure(res, startFailure(err));
  }
  const result = await run.done;
  if (run.disconnected()) return;
  const failure = runFailure(result);
  if (failure) return sendFailure(res, failure);
  sendJson(res, 200, completionBody(plan, result));
}

async function readBody(gw: GatewayServices, req: IncomingMessage, res: ServerResponse): Promise<{ ok: true; body: unknown } | { ok: false }> {
  try {
    return { ok: true, body: await readJsonBody(req, { maxBytes: chatMaxBodyBytes(gw), timeoutMs: BODY_TIMEOUT_MS }) };
  } catch (err) {
    if (err instanceof HttpBodyError) sendOpenAiError(res, err.status, err.message, { type: "invalid_request_error", code: BODY_ERROR_CODES[err.status] });
    else if (!res.destroyed) throw err;
    return { ok: false };
  }
}

export function chatCompletionsStage(gw: GatewayServices): HttpStage {
  return {
    name: "openai-chat-completions",
    async handle(req, res, ctx) {
      if (ctx.url.pathname !== CHAT_COMPLETIONS_PATH) return false;
      const config = gw.config();
      if (handleCors(config, req, res)) return true;
      if (!requireEndpoint(config, res, CHAT_COMPLETIONS_PATH, ["chatCompletions"])) return true;
      if (req.method !== "POST") {
        sendOpenAiError(res, 405, `Method ${req.method} is not allowed on ${CHAT_COMPLETIONS_PATH}; use POST.`, { code: "method_not_allowed", headers: { Allow: "POST" } });
        return true;
      }
      if (!requireBearer(gw, req, res, ctx.remoteAddress, "openai") || !requireHttpScope(gw, req, res, Scopes.write, "openai")) return true;
      const read = await readBody(gw, req, res);
      if (!read.ok) return true;
      let plan: ChatPlan;
      try {
        plan = await planChat(gw, req, read.body, () => clientGone(res));
      } catch (err) {
        if (!(err instanceof OpenAiRequestError || err instanceof RoutingError)) throw err;
        sendOpenAiError(res, err.status, err.message, { type: "invalid_request_error", code: err.code, param: err.param });
        return true;
      }
      await (plan.stream ? streamChatCompletion(gw, req, res, plan) : complete(gw, res, plan));
      return true;
    },
  };
}
