// The OpenAI Responses adapter: our messages as Responses input items, the typed event stream
// out as ProviderEvents.
import type OpenAI from "openai";
import type { ChatMessage, ProviderAdapter, ProviderEvent, StopReason, StreamRequest, Usage } from "../types.js";
import { ClientCache } from "./client-cache.js";
import { errorForType } from "./errors.js";
import { DEFAULT_TIMEOUT_MS, DEFAULT_WHOLE_TIMEOUT_MS, guardedStream, type AdapterOptions, type StreamMapper } from "./guarded-stream.js";
import { dataUrl, fallbackCallId, parseToolArguments } from "./message-parts.js";
import { createHttpTransport } from "./http-transport.js";
import { createOpenAIClient } from "./openai-client.js";

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;
type InputItem = OpenAI.Responses.ResponseInputItem;
type Body = OpenAI.Responses.ResponseCreateParamsStreaming;
type Response = OpenAI.Responses.Response;

export function createOpenAIResponsesAdapter(opts: AdapterOptions = {}): ProviderAdapter {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const wholeTimeoutMs = opts.wholeTimeoutMs ?? DEFAULT_WHOLE_TIMEOUT_MS;
  const clients = new ClientCache<OpenAI>(opts.maxClients);
  const transport = createHttpTransport();
  const client = (req: StreamRequest) => clients.get(req.model, () => createOpenAIClient(req.model, timeoutMs, transport.fetch));
  return {
    api: "openai-responses",
    stream(req) {
      if (req.incremental === false) {
        // One Response object instead of an event stream; the mapper reads the events it implies.
        const open = async (signal: AbortSignal) => {
          const body: OpenAI.Responses.ResponseCreateParamsNonStreaming = { ...toResponsesBody(req), stream: false };
          return responseAsEvents(await (await client(req)).responses.create(body, { signal, timeout: wholeTimeoutMs }));
        };
        return guardedStream(req, wholeTimeoutMs, open, new ResponsesMapper(req.model.provider, req.model.apiKeySource));
      }
      const open = async (signal: AbortSignal) => (await client(req)).responses.create(toResponsesBody(req), { signal });
      return guardedStream(req, timeoutMs, open, new ResponsesMapper(req.model.provider, req.model.apiKeySource));
    },
  };
}

/**
 * The stream events a whole Response stands for, as far as the mapper reads them: each text and
 * refusal part as one delta, each function call as its finished item, then how it ended.
 */
export function responseAsEvents(response: Response): StreamEvent[] {
  const events: StreamEvent[] = [];
  let seq = 0;
  const next = () => ({ sequence_number: seq++ });
  (response.output ?? []).forEach((item, output_index) => {
    if (item.type === "message") {
      item.content.forEach((part, content_index) => {
        const where = { item_id: item.id, output_index, content_index, ...next() };
        if (part.type === "output_text" && part.text) events.push({ type: "response.output_text.delta", delta: part.text, logprobs: [], ...where });
        else if (part.type === "refusal" && part.refusal) events.push({ type: "response.refusal.delta", delta: part.refusal, ...where });
      });
    } else if (item.type === "function_call") {
      events.push({ type: "response.output_item.done", item, output_index, ...next() });
    }
  });
  if (response.status === "failed") events.push({ type: "response.failed", response, ...next() });
  else if (response.status === "incomplete") events.push({ type: "response.incomplete", response, ...next() });
  else events.push({ type: "response.completed", response, ...next() });
  return events;
}

/** The request body for `POST /responses`: stateless (`store: false`), streaming. */
export function toResponsesBody(req: Omit<StreamRequest, "signal">): Body {
  const body: Body = {
    model: req.model.model,
    input: req.messages.flatMap(toInputItems),
    stream: true,
    store: false,
    max_output_tokens: req.maxTokens ?? req.model.maxTokens,
  };
  if (req.system) body.instructions = req.system;
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      type: "function",
      name: t.name,
      description: t.description,
      parameters: t.parameters,
      strict: false,
    }));
    if (req.toolChoice) body.tool_choice = req.toolChoice === "required" ? "required" : { type: "function", name: req.toolChoice.name };
  }
  return body;
}

function toInputItems(m: ChatMessage): InputItem[] {
  switch (m.role) {
    case "user":
      if (typeof m.content === "string") return [{ role: "user", content: m.content }];
      return [
        {
          role: "user",
          content: m.content.map((b) =>
            b.type === "text"
              ? { type: "input_text" as const, text: b.text }
              : { type: "input_image" as const, image_url: dataUrl(b), detail: "auto" as const },
          ),
        },
      ];
    case "assistant": {
      const items: InputItem[] = [];
      if (m.content) items.push({ role: "assistant", content: m.content });
      for (const c of m.toolCalls ?? []) {
        items.push({ type: "function_call", call_id: c.id, name: c.name, arguments: JSON.stringify(c.arguments) });
      }
      return items;
    }
    case "tool":
      return [{ type: "function_call_output", call_id: m.toolCallId, output: m.content }];
  }
}

interface PendingCall {
  callId: string;
  name: string;
  args: string;
  emitted: boolean;
}

/** Event-to-event state machine; tool calls are emitted when their output item is done. */
export class ResponsesMapper implements StreamMapper<StreamEvent> {
  private readonly calls = new Map<number, PendingCall>();
  private sawToolCalls = false;
  private refused = false;
  private reason: StopReason | undefined;

  constructor(
    private readonly provider: string,
    private readonly keySource?: string,
  ) {}

  chunk(event: StreamEvent): ProviderEvent[] {
    switch (event.type) {
      case "response.output_text.delta":
        return event.delta ? [{ type: "text-delta", text: event.delta }] : [];
      case "response.refusal.delta":
        this.refused = true;
        return event.delta ? [{ type: "text-delta", text: event.delta }] : [];
      case "response.output_item.added":
        if (event.item.type === "function_call") {
          const { call_id, name, arguments: args } = event.item;
          this.calls.set(event.output_index, { callId: call_id, name, args: args ?? "", emitted: false });
        }
        return [];
      case "response.function_call_arguments.delta": {
        const call = this.calls.get(event.output_index);
        if (call) call.args += event.delta;
        return [];
      }
      case "response.function_call_arguments.done": {
        const call = this.calls.get(event.output_index);
        if (call) call.args = event.arguments;
        return [];
      }
      case "response.output_item.done": {
        if (event.item.type !== "function_call") return [];
        const call = this.calls.get(event.output_index) ?? { callId: "", name: "", args: "", emitted: false };
        call.callId = event.item.call_id || call.callId;
        call.name = event.item.name || call.name;
        if (event.item.arguments) call.args = event.item.arguments;
        this.calls.set(event.output_index, call);
        return this.emit(call);
      }
      case "response.completed":
      case "response.incomplete":
        return this.finish(event.response);
      case "response.failed": {
        const error = event.response.error;
        throw errorForType(this.provider, error?.code ?? undefined, error?.message ?? "response failed", this.keySource);
      }
      case "error":
        throw errorForType(this.provider, event.code ?? undefined, event.message, this.keySource);
      default:
        return [];
    }
  }

  end(): ProviderEvent[] {
    const out: ProviderEvent[] = [];
    for (const call of this.calls.values()) out.push(...this.emit(call));
    out.push({ type: "stop", reason: this.stopReason() });
    return out;
  }

  private emit(call: PendingCall): ProviderEvent[] {
    if (call.emitted) return [];
    call.emitted = true;
    this.sawToolCalls = true;
    const id = call.callId || fallbackCallId();
    return [{ type: "tool-call", call: { id, name: call.name, arguments: parseToolArguments(call.args) } }];
  }

  private finish(response: Response): ProviderEvent[] {
    if (response.status === "incomplete") {
      const why = response.incomplete_details?.reason;
      this.reason = why === "max_output_tokens" ? "length" : why === "content_filter" ? "content_filter" : "unknown";
    } else {
      this.reason = "stop";
    }
    const u = response.usage;
    if (!u) return [];
    const cached = u.input_tokens_details?.cached_tokens ?? 0;
    const usage: Usage = { input: Math.max(0, u.input_tokens - cached), output: u.output_tokens };
    if (cached) usage.cacheRead = cached;
    return [{ type: "usage", usage }];
  }

  private stopReason(): StopReason {
    if (this.reason === "stop" || this.reason === undefined) {
      if (this.sawToolCalls) return "tool_calls";
      if (this.refused) return "refusal";
      return this.reason ?? "unknown";
    }
    return this.reason;
  }
}
