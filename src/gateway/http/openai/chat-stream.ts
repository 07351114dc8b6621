// The streamed answer of /v1/chat/completions, as openai-node's parser reads it: a role chunk at
// once, content chunks from the run's deltas, client tool calls, a finish chunk, the usage chunk
// (`choices: []`) only when asked for, then `[DONE]`. A failure at any point is an `error` event
// and `[DONE]`, never a finish chunk (oc#124038) and never a bare `[DONE]`.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunEvent } from "../../../agents/engine/run-events.js";
import type { GatewayServices } from "../../services.js";
import { SseWriter } from "../sse.js";
import { NO_RESPONSE_TEXT, wireToolCalls, type ChatPlan } from "./chat-request.js";
import { openAiErrorBody } from "./errors.js";
import { finishReason, runFailure, startClientRun, startFailure, usageOf, type ClientRun, type RunFailure } from "./run-stream.js";

export const STREAM_KEEPALIVE_MS = 15_000;

type Delta = Record<string, unknown>;

export async function streamChatCompletion(gw: GatewayServices, req: IncomingMessage, res: ServerResponse, plan: ChatPlan): Promise<void> {
  const base = { id: plan.id, object: "chat.completion.chunk", created: plan.created, model: plan.model };
  // With include_usage every chunk but the last carries `usage: null` (the OpenAI spec).
  const usageNull = plan.includeUsage ? { usage: null } : {};
  const chunk = (delta: Delta, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...usageNull });
  const fail = (f: RunFailure) => {
    sse.send(openAiErrorBody(f.message, f.type, f.code));
    sse.done();
  };

  // Headers go out at once: clients decide "this is a stream" from the Content-Type, and a
  // failure before any content is then an error event like any other (the reference does this too).
  const sse = new SseWriter(req, res, { keepAliveMs: STREAM_KEEPALIVE_MS });
  sse.send(chunk({ role: "assistant", content: "" }));

  let streamed = false;
  const onEvent = (e: RunEvent) => {
    if (e.type !== "text-delta" || !e.delta || sse.closed) return;
    streamed = true;
    sse.send(chunk({ content: e.delta }));
  };
  let run: ClientRun;
  try {
    run = startClientRun(gw, res, plan.request, onEvent);
  } catch (err) {
    return fail(startFailure(err));
  }
  const result = await run.done;
  if (sse.closed) return; // the client left; its run was aborted

  const failure = runFailure(result);
  if (failure) return fail(failure);
  const calls = result.toolCalls ?? [];
  // No deltas (a provider that answered in one piece): the text goes out as one chunk.
  if (!streamed) {
    const text = result.text || (calls.length ? "" : NO_RESPONSE_TEXT);
    if (text) sse.send(chunk({ content: text }));
  }
  wireToolCalls(calls).forEach((call, index) => sse.send(chunk({ tool_calls: [{ index, ...call }] })));
  sse.send(chunk({}, finishReason(result)));
  if (plan.includeUsage) {
    const u = usageOf(result);
    sse.send({ ...base, choices: [], usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.total } });
  }
  sse.done();
}
