// The OpenAI `response` resource and its output items, built from a run's result, and the
// response status a run's result stands for.
import { randomUUID } from "node:crypto";
import type { RunResult } from "../../../agents/engine/run-events.js";
import type { ToolCall, Usage } from "../../../agents/types.js";
import type { ResponsesRequest } from "./responses-input.js";
import { runFailure } from "./run-stream.js";

export const EMPTY_RESPONSE_TEXT = "No response from OpenClaw.";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface MessageItem {
  type: "message";
  id: string;
  status: "in_progress" | "completed" | "incomplete";
  role: "assistant";
  content: { type: "output_text"; text: string; annotations: unknown[] }[];
}

export interface FunctionCallItem {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: "in_progress" | "completed";
}

export type OutputItem = MessageItem | FunctionCallItem;

export interface ResponseError {
  code: string;
  message: string;
  /** `type` and `param` are not in the Responses schema; kept so generic OpenAI error readers find the usual four fields. */
  type: string;
  param: null;
}

export interface RunOutcome {
  status: Exclude<ResponseStatus, "in_progress">;
  incompleteReason?: "max_output_tokens" | "content_filter";
  /** Set when failed. */
  error?: ResponseError;
  /** HTTP status and extra headers (Retry-After, x-should-retry) for a non-streamed reply. */
  httpStatus: number;
  headers: Record<string, string>;
}

/** What every snapshot of one response shares. */
export interface ResponseMeta {
  id: string;
  createdAt: number;
  request: ResponsesRequest;
}

export function messageItem(text: string, status: MessageItem["status"] = "completed", id = `msg_${randomUUID()}`): MessageItem {
  return { type: "message", id, status, role: "assistant", content: [{ type: "output_text", text, annotations: [] }] };
}

export function functionCallItem(call: ToolCall, id = `fc_${randomUUID()}`): FunctionCallItem {
  return { type: "function_call", id, call_id: call.id, name: call.name, arguments: JSON.stringify(call.arguments ?? {}), status: "completed" };
}

/** The final output: the assistant's text (or the fallback when there is nothing at all), then the client tool calls. */
export function buildOutput(text: string, calls: readonly ToolCall[]): OutputItem[] {
  const items: OutputItem[] = [];
  if (text || calls.length === 0) items.push(messageItem(text || EMPTY_RESPONSE_TEXT));
  for (const call of calls) items.push(functionCallItem(call));
  return items;
}

export function responseUsage(u: Usage | undefined) {
  const input = (u?.input ?? 0) + (u?.cacheRead ?? 0) + (u?.cacheWrite ?? 0);
  const output = u?.output ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.cacheRead ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** One snapshot of the resource; in_progress snapshots carry no usage yet. */
export function responseResource(meta: ResponseMeta, status: ResponseStatus, output: OutputItem[], extra: { usage?: Usage; outcome?: RunOutcome } = {}) {
  const { request } = meta;
  const outcome = extra.outcome;
  return {
    id: meta.id,
    object: "response" as const,
    created_at: meta.createdAt,
    status,
    error: outcome?.error ?? null,
    incomplete_details: outcome?.incompleteReason ? { reason: outcome.incompleteReason } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.maxOutputTokens ?? null,
    model: typeof request.model === "string" ? request.model : "openclaw",
    output,
    parallel_tool_calls: true,
    previous_response_id: request.previousResponseId ?? null,
    store: true,
    tool_choice: request.toolChoice,
    tools: request.tools,
    usage: status === "in_progress" ? null : responseUsage(extra.usage),
    user: request.user ?? null,
    metadata: request.metadata,
  };
}

export type ResponseResource = ReturnType<typeof responseResource>;

/**
 * A run's result as a response status; failures use the status, type and code every /v1
 * endpoint uses (run-stream.ts). Client tool calls are a normal completed response, as in the
 * OpenAI API (the reference says `incomplete`, which SDK agent loops read as truncation).
 */
export function runOutcome(result: RunResult): RunOutcome {
  const failure = runFailure(result);
  if (failure) {
    return { status: "failed", httpStatus: failure.status, headers: failure.headers, error: { code: failure.code, message: failure.message, type: failure.type, param: null } };
  }
  if (result.stopReason === "length") return { status: "incomplete", incompleteReason: "max_output_tokens", httpStatus: 200, headers: {} };
  if (result.stopReason === "content_filter" || result.stopReason === "refusal") {
    return { status: "incomplete", incompleteReason: "content_filter", httpStatus: 200, headers: {} };
  }
  return { status: "completed", httpStatus: 200, headers: {} };
}
