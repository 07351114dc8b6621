// A /v1/chat/completions body to a run plan: validation (400s with a `param`), routing, and the
// run request. Self-contained by default (the client's whole conversation is the run's context,
// nothing stored); a stored session (explicit key, or `user` with sessionFromUser) gets only the
// current turn, so the history the client resends is never doubled with the stored one.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RunRequest } from "../../../agents/engine/engine.js";
import type { ToolCall } from "../../../agents/types.js";
import type { GatewayServices } from "../../services.js";
import { currentTurn, DEFAULT_IMAGE_LIMITS, mapChatMessages, mapClientTools, mapToolChoice, OpenAiRequestError, requireUserMessage, type ImageLimits } from "./messages.js";
import { resolveRoute, type Route } from "./routing.js";
import { urlInputPolicy } from "./url-inputs.js";

export const CHAT_COMPLETIONS_PATH = "/v1/chat/completions";
export const DEFAULT_CHAT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const NO_RESPONSE_TEXT = "No response from OpenClaw.";

export interface ChatPlan {
  /** `chatcmpl_<uuid>`: the completion id and the run id. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The request's model string, echoed in every answer. */
  model: string;
  stream: boolean;
  includeUsage: boolean;
  route: Route;
  request: RunRequest;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function chatSettings(gw: GatewayServices) {
  return gw.config().gateway?.http?.endpoints?.chatCompletions ?? {};
}

export function chatMaxBodyBytes(gw: GatewayServices): number {
  return chatSettings(gw).maxBodyBytes ?? DEFAULT_CHAT_MAX_BODY_BYTES;
}

function imageLimits(gw: GatewayServices): ImageLimits {
  const s = chatSettings(gw);
  const d = DEFAULT_IMAGE_LIMITS;
  return {
    maxParts: s.maxImageParts ?? d.maxParts,
    maxTotalBytes: s.maxTotalImageBytes ?? d.maxTotalBytes,
    images: urlInputPolicy("image", d.images.configKey, s.images, d.images),
  };
}

function maxTokens(body: Obj): number | undefined {
  for (const param of ["max_completion_tokens", "max_tokens"] as const) {
    const v = body[param];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new OpenAiRequestError(`\`${param}\` must be a positive integer.`, param);
    return v;
  }
  return undefined;
}

/**
 * Validates the body and plans the run. Parameters that do not apply to an agent (temperature,
 * top_p, penalties, logit_bias, stop, seed, response_format, ...) are accepted and ignored:
 * clients send them by default and must not get a 400 for it (users-and-clients 3.5 item 5).
 * Image URLs are fetched here, before any run starts. Throws OpenAiRequestError or RoutingError.
 */
export async function planChat(gw: GatewayServices, req: IncomingMessage, body: unknown, clientGone?: () => AbortSignal): Promise<ChatPlan> {
  if (!isObj(body)) throw new OpenAiRequestError("The request body must be a JSON object.");
  if (body.messages === undefined) throw new OpenAiRequestError("Missing required parameter: `messages`.", "messages", "missing_required_parameter");
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw new OpenAiRequestError("Only `n: 1` is supported.", "n");
  const conversation = mapChatMessages(body.messages, imageLimits(gw));
  requireUserMessage(conversation.messages);
  const clientTools = mapClientTools(body.tools ?? (Array.isArray(body.functions) ? body.functions.map((f) => ({ type: "function", function: f })) : undefined), body.tool_choice ?? body.function_call);
  const toolChoice = mapToolChoice(body.tool_choice ?? body.function_call, clientTools, body.tool_choice === undefined && body.function_call !== undefined ? "function_call" : "tool_choice");
  const route = resolveRoute(gw, req, {
    model: body.model,
    user: body.user,
    prefix: "openai",
    sessionFromUser: chatSettings(gw).sessionFromUser === true,
  });
  const id = `chatcmpl_${randomUUID()}`;
  const turn = currentTurn(conversation.messages);
  const limit = maxTokens(body);
  // Last: nothing is fetched for a request that fails a check of its own. The client-gone signal
  // is made only when there is something to fetch (not on every completion's hot path).
  await conversation.fetchImages?.(clientGone?.());
  const request: RunRequest = {
    runId: id,
    agentId: route.agentId,
    sessionKey: route.sessionKey,
    message: turn.message,
    channel: route.messageChannel,
    ...(conversation.system ? { extraSystemPrompt: conversation.system } : {}),
    ...(route.modelOverride ? { modelOverride: route.modelOverride } : {}),
    ...(clientTools ? { clientTools } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(limit ? { maxTokens: limit } : {}),
    ...(route.persistent ? (turn.images.length ? { images: turn.images } : {}) : { context: conversation.messages }),
  };
  const streamOptions = body.stream_options;
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    model: typeof body.model === "string" && body.model.trim() ? body.model : `openclaw/${route.agentId}`,
    stream: body.stream === true,
    includeUsage: isObj(streamOptions) && streamOptions.include_usage === true,
    route,
    request,
  };
}

/** Engine tool calls in the OpenAI wire shape (arguments as a JSON string). */
export function wireToolCalls(calls: readonly ToolCall[]) {
  return calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: JSON.stringify(c.arguments ?? {}) } }));
}
