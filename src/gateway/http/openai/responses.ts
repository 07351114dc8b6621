// `POST /v1/responses` (spec 4.8): the OpenAI Responses API over agent runs, streamed or not.
// Every response is recorded in a stored session, so `previous_response_id` continues it, also
// after a restart; an unknown id is a 400, never silently a new conversation (oc#37765).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { KeyedQueue } from "../../../agents/engine/concurrency.js";
import type { RunRequest } from "../../../agents/engine/engine.js";
import type { RunResult } from "../../../agents/engine/run-events.js";
import type { ToolChoice } from "../../../agents/types.js";
import { messageText, toChatMessages } from "../../../agents/sessions/convert.js";
import type { TranscriptMessage } from "../../../agents/sessions/types.js";
import { Scopes } from "../../../protocol/scopes.js";
import type { GatewayServices } from "../../services.js";
import { HttpBodyError, readJsonBody } from "../body.js";
import { requireBearer, requireHttpScope } from "../http-auth.js";
import { sendJson } from "../respond.js";
import type { HttpRequestContext, HttpStage } from "../router.js";
import { SseWriter } from "../sse.js";
import { handleCors } from "./cors.js";
import { requireEndpoint } from "./enablement.js";
import { OpenAiRequestError, sendOpenAiError } from "./errors.js";
import { mapToolChoice } from "./messages.js";
import { ResponseStore } from "./response-store.js";
import { attachmentLimits, Attachments } from "./responses-attachments.js";
import { callsIn, mapInput, parseResponsesRequest, type ResponsesRequest } from "./responses-input.js";
import { buildOutput, responseResource, runOutcome, type ResponseMeta } from "./responses-resource.js";
import { ConversationGoneError, openConversation, recordExchange, type Conversation } from "./responses-session.js";
import { ResponseEventWriter } from "./responses-stream.js";
import { resolveRoute, RoutingError, type Route } from "./routing.js";
import { clientGone, startClientRun, startFailure } from "./run-stream.js";

/** The sessions stateless requests and their branches get (routing.ts, responses-session.ts). */
const STORED_ONLY_KEY = /^agent:[^:]+:openresponses:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const RESPONSES_PATH = "/v1/responses";
export const DEFAULT_RESPONSES_MAX_BODY_BYTES = 20 * 1024 * 1024;
const BODY_TIMEOUT_MS = 30_000;
const BODY_ERROR_CODES: Record<HttpBodyError["status"], string> = { 400: "invalid_json", 408: "request_timeout", 413: "request_too_large" };

/** A request refused before its run starts. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = "invalid_request_error",
  ) {
    super(message);
    this.name = "RequestError";
  }
}

interface Finished {
  result: RunResult;
  /** Writes the final response (or the last stream events); a no-op once the client has gone. */
  reply: () => void;
}

/**
 * The /v1/responses stage; one response store and one per-session queue per gateway start.
 * `storedResponses`: how many response ids stay continuable (default 10,000; tests lower it).
 */
export function responsesStage(gw: GatewayServices, opts: { storedResponses?: number } = {}): HttpStage {
  const log = () => gw.logger.child("openresponses");
  const store = new ResponseStore({
    stateDir: gw.stateDir,
    ...(opts.storedResponses ? { maxEntries: opts.storedResponses } : {}),
    onError: (e) => log().warn((e as Error).message),
    // A conversation only stored responses kept (no explicit session key, no `user` session) goes
    // with its last one, so stateless calls do not pile up transcripts for ever.
    onSessionReleased: (agentId, sessionKey) => {
      if (!STORED_ONLY_KEY.test(sessionKey)) return;
      void gw.agents.sessions.delete(agentId, sessionKey, { deleteTranscript: true }).catch((e: unknown) => log().warn(`could not delete released response session ${sessionKey}: ${(e as Error).message}`));
    },
  });
  // Reading the history, running and recording the exchange are one step per session.
  const queue = new KeyedQueue();

  async function handle(req: IncomingMessage, res: ServerResponse, ctx: HttpRequestContext): Promise<boolean> {
    if (ctx.url.pathname !== RESPONSES_PATH) return false;
    const config = gw.config();
    if (handleCors(config, req, res)) return true;
    if (!requireEndpoint(config, res, RESPONSES_PATH, ["responses"])) return true;
    if (req.method !== "POST") {
      sendOpenAiError(res, 405, `Method ${req.method} is not allowed on ${RESPONSES_PATH}; use POST.`, { code: "method_not_allowed", headers: { Allow: "POST" } });
      return true;
    }
    if (!requireBearer(gw, req, res, ctx.remoteAddress, "openai") || !requireHttpScope(gw, req, res, Scopes.write, "openai")) return true;
    const settings = config.gateway?.http?.endpoints?.responses ?? {};
    let request: ResponsesRequest;
    let route: Route;
    let previous: string | undefined;
    let toolChoice: ToolChoice | undefined;
    try {
      const body = await readJsonBody(req, { maxBytes: settings.maxBodyBytes ?? DEFAULT_RESPONSES_MAX_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS });
      request = parseResponsesRequest(body);
      route = resolveRoute(gw, req, { model: request.model, user: request.user, prefix: "openresponses", sessionFromUser: settings.sessionFromUser === true });
      if (request.previousResponseId) previous = await continueFrom(request.previousResponseId, route, request.user);
      toolChoice = mapToolChoice(request.toolChoice, request.clientTools);
    } catch (err) {
      sendRequestError(res, err);
      return true;
    }
    await queue.run(`${route.agentId}\0${route.sessionKey}`, () => respond(req, res, request, route, toolChoice, previous)).catch((err: unknown) => {
      if (!res.headersSent) sendRequestError(res, err);
      else if (!res.writableEnded) res.destroy();
      if (!(err instanceof RequestError || err instanceof OpenAiRequestError)) log().warn(`response failed: ${(err as Error).message}`);
    });
    return true;
  }

  // Points the route at the stored session; returns the entry to replay up to.
  async function continueFrom(id: string, route: Route, user: string | undefined): Promise<string> {
    const stored = await store.get(id);
    if (!stored) throw new RequestError(400, "previous_response_id not found", "previous_response_id", "previous_response_not_found");
    if (stored.user !== user) {
      throw new RequestError(400, "previous_response_id belongs to a different `user` than this request's.", "previous_response_id", "previous_response_mismatch");
    }
    if (stored.agentId !== route.agentId) {
      throw new RequestError(400, `previous_response_id belongs to agent '${stored.agentId}', not '${route.agentId}'.`, "previous_response_id", "previous_response_mismatch");
    }
    if (route.persistent && route.sessionKey !== stored.sessionKey) {
      throw new RequestError(400, "previous_response_id belongs to a different session than the one requested.", "previous_response_id", "previous_response_mismatch");
    }
    route.sessionKey = stored.sessionKey;
    return stored.entryId;
  }

  async function respond(req: IncomingMessage, res: ServerResponse, request: ResponsesRequest, route: Route, toolChoice: ToolChoice | undefined, previous?: string): Promise<void> {
    // Without a previous id or a stored route the input is the whole conversation.
    let conv: Conversation = { agentId: route.agentId, sessionKey: route.sessionKey, history: [] };
    if (previous !== undefined || route.persistent) {
      try {
        conv = await openConversation(gw.agents.sessions, route.agentId, route.sessionKey, previous);
      } catch (err) {
        if (err instanceof ConversationGoneError) throw new RequestError(400, err.message, "previous_response_id", "previous_response_not_found");
        throw err;
      }
    }
    const limits = attachmentLimits(gw.config().gateway?.http?.endpoints?.responses);
    const mapped = mapInput(request.input, callsIn(conv.history), new Attachments(limits));
    if (!mapped.turns.some((t) => t.role === "user" || t.role === "toolResult")) {
      throw new RequestError(400, "`input` has no user message or function_call_output.", "input", "missing_user_message");
    }
    // Files go to the system prompt, not the turns: they are not stored with the session.
    const files = await mapped.attachments.resolve(clientGone(res));
    const meta: ResponseMeta = { id: `resp_${randomUUID()}`, createdAt: Math.floor(Date.now() / 1000), request };
    const extraSystemPrompt = [request.instructions, ...mapped.system, ...files].filter(Boolean).join("\n\n");
    const run: RunRequest = {
      runId: meta.id,
      agentId: route.agentId,
      sessionKey: conv.sessionKey,
      message: lastUserText(mapped.turns),
      context: toChatMessages([...conv.history, ...mapped.turns]),
      ...(request.clientTools.length ? { clientTools: request.clientTools } : {}),
      ...(toolChoice ? { toolChoice } : {}),
      ...(extraSystemPrompt ? { extraSystemPrompt } : {}),
      ...(route.modelOverride ? { modelOverride: route.modelOverride } : {}),
      ...(request.maxOutputTokens ? { maxTokens: request.maxOutputTokens } : {}),
    };
    const finished = request.stream ? await streamRun(gw, req, res, run, meta) : await plainRun(gw, res, run, meta);
    if (!finished) return;
    // Recorded before the reply goes out, so a follow-up sent right after it finds this id.
    if (finished.result.status === "ok") {
      try {
        const entryId = await recordExchange(gw.agents.sessions, conv, mapped.turns, finished.result, route.messageChannel);
        await store.put(meta.id, { agentId: route.agentId, sessionKey: conv.sessionKey, createdAt: Date.now(), entryId, ...(request.user ? { user: request.user } : {}) });
        gw.agents.sessionsChanged(conv.sessionKey, "send", { runId: meta.id });
      } catch (err) {
        // The caller still gets its answer; only continuing from this id will fail.
        log().warn(`could not record response ${meta.id}: ${(err as Error).message}`);
      }
    }
    finished.reply();
  }

  return { name: "openai-responses", handle };
}

/** Runs without streaming; undefined when the client went away (the run was aborted). */
async function plainRun(gw: GatewayServices, res: ServerResponse, request: RunRequest, meta: ResponseMeta): Promise<Finished | undefined> {
  let run;
  try {
    // The answer goes out whole, so the model may give it whole too.
    run = startClientRun(gw, res, { ...request, incremental: false });
  } catch (err) {
    const f = startFailure(err);
    throw new RequestError(f.status, f.message, null, f.code, f.type);
  }
  const result = await run.done;
  if (run.disconnected()) return undefined;
  const outcome = runOutcome(result);
  const output = outcome.status === "failed" ? [] : buildOutput(result.text, result.toolCalls ?? []);
  const body = responseResource(meta, outcome.status, output, { usage: result.usage, outcome });
  return { result, reply: () => void (res.destroyed || sendJson(res, outcome.httpStatus, body, outcome.headers)) };
}

async function streamRun(gw: GatewayServices, req: IncomingMessage, res: ServerResponse, request: RunRequest, meta: ResponseMeta): Promise<Finished | undefined> {
  let events: ResponseEventWriter | undefined;
  let run;
  try {
    // Subscribed before the run's first event; deltas wait for the stream to open below.
    run = startClientRun(gw, res, request, (ev) => {
      if (ev.type === "text-delta") events?.delta(ev.delta);
    });
  } catch (err) {
    const f = startFailure(err);
    throw new RequestError(f.status, f.message, null, f.code, f.type);
  }
  const sse = new SseWriter(req, res);
  events = new ResponseEventWriter(sse, meta);
  events.begin();
  const result = await run.done;
  if (run.disconnected() || sse.closed) return undefined;
  const outcome = runOutcome(result);
  const writer = events;
  const reply = () => {
    if (sse.closed) return;
    if (outcome.status === "failed") writer.fail(outcome, result.usage);
    else writer.finish(result.text, result.toolCalls ?? [], outcome, result.usage);
  };
  return { result, reply };
}

function lastUserText(turns: TranscriptMessage[]): string {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.role === "user") return messageText(turns[i]!);
  return "";
}

function sendRequestError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpBodyError) return sendOpenAiError(res, err.status, err.message, { code: BODY_ERROR_CODES[err.status] });
  if (err instanceof RoutingError || err instanceof OpenAiRequestError) return sendOpenAiError(res, err.status, err.message, { code: err.code, param: err.param });
  if (err instanceof RequestError) return sendOpenAiError(res, err.status, err.message, { type: err.type, code: err.code, param: err.param });
  sendOpenAiError(res, 500, "internal error", { type: "api_error" });
}

