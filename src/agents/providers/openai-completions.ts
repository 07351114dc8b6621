// The OpenAI Chat Completions adapter (also what Ollama, vLLM and LM Studio speak): our
// ChatMessage[] and ToolSpec[] in, the chunk stream out as ProviderEvents.
import type OpenAI from "openai";
import type { ChatMessage, ProviderAdapter, ProviderEvent, StopReason, StreamRequest } from "../types.js";
import { ClientCache } from "./client-cache.js";
import { DEFAULT_TIMEOUT_MS, DEFAULT_WHOLE_TIMEOUT_MS, guardedStream, type AdapterOptions, type StreamMapper } from "./guarded-stream.js";
import { dataUrl, fallbackCallId, parseToolArguments } from "./message-parts.js";
import { createHttpTransport } from "./http-transport.js";
import { createOpenAIClient, isOpenAIHost } from "./openai-client.js";

type Chunk = OpenAI.ChatCompletionChunk;
type MessageParam = OpenAI.ChatCompletionMessageParam;
type Body = OpenAI.ChatCompletionCreateParamsStreaming;

export function createOpenAICompletionsAdapter(opts: AdapterOptions = {}): ProviderAdapter {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const wholeTimeoutMs = opts.wholeTimeoutMs ?? DEFAULT_WHOLE_TIMEOUT_MS;
  const clients = new ClientCache<OpenAI>(opts.maxClients);
  const transport = createHttpTransport();
  const client = (req: StreamRequest) => clients.get(req.model, () => createOpenAIClient(req.model, timeoutMs, transport.fetch));
  return {
    api: "openai-completions",
    stream(req) {
      if (req.incremental === false) {
        // One JSON answer instead of a chunk stream; the mapper reads it as a single chunk.
        const open = async (signal: AbortSignal) => {
          const completion = await (await client(req)).chat.completions.create(toWholeCompletionsBody(req), { signal, timeout: wholeTimeoutMs });
          return [completionAsChunk(completion)];
        };
        return guardedStream(req, wholeTimeoutMs, open, new CompletionsMapper());
      }
      const open = async (signal: AbortSignal) => (await client(req)).chat.completions.create(toCompletionsBody(req), { signal });
      return guardedStream(req, timeoutMs, open, new CompletionsMapper());
    },
  };
}

/** The same request asking for the whole answer in one response. */
export function toWholeCompletionsBody(req: Omit<StreamRequest, "signal">): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const { stream: _stream, stream_options: _options, ...rest } = toCompletionsBody(req);
  return rest;
}

/** A whole completion as the one chunk that would carry all of it (content, tool calls, finish, usage). */
export function completionAsChunk(completion: OpenAI.ChatCompletion): Chunk {
  const choices = (completion.choices ?? []).map((choice) => {
    const m = choice.message;
    const toolCalls = (m?.tool_calls ?? []).flatMap((c, index) =>
      c.type === "function" ? [{ index, id: c.id, type: "function" as const, function: { name: c.function.name, arguments: c.function.arguments } }] : [],
    );
    return {
      index: choice.index,
      delta: { role: "assistant" as const, content: m?.content ?? null, refusal: m?.refusal ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
      finish_reason: choice.finish_reason ?? null,
    };
  });
  return { id: completion.id, object: "chat.completion.chunk", created: completion.created, model: completion.model, choices, usage: completion.usage ?? null };
}

/** The request body for `POST /chat/completions` with streaming and usage on. */
export function toCompletionsBody(req: Omit<StreamRequest, "signal">): Body {
  const messages: MessageParam[] = [];
  if (req.system) messages.push({ role: "system", content: req.system });
  for (const m of req.messages) messages.push(toMessageParam(m));
  const body: Body = {
    model: req.model.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  const maxTokens = req.maxTokens ?? req.model.maxTokens;
  // OpenAI deprecated max_tokens (reasoning models refuse it); local servers only know max_tokens.
  if (isOpenAIHost(req.model.baseUrl)) body.max_completion_tokens = maxTokens;
  else body.max_tokens = maxTokens;
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    if (req.toolChoice) body.tool_choice = req.toolChoice === "required" ? "required" : { type: "function", function: { name: req.toolChoice.name } };
  }
  return body;
}

function toMessageParam(m: ChatMessage): MessageParam {
  switch (m.role) {
    case "user":
      if (typeof m.content === "string") return { role: "user", content: m.content };
      return {
        role: "user",
        content: m.content.map((b) =>
          b.type === "text"
            ? { type: "text" as const, text: b.text }
            : { type: "image_url" as const, image_url: { url: dataUrl(b) } },
        ),
      };
    case "assistant": {
      if (!m.toolCalls?.length) return { role: "assistant", content: m.content };
      return {
        role: "assistant",
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: "function" as const,
          function: { name: c.name, arguments: JSON.stringify(c.arguments) },
        })),
      };
    }
    case "tool":
      return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
  }
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
}

/** Chunk-to-event state machine: text as it comes, tool calls once complete, stop at the end. */
export class CompletionsMapper implements StreamMapper<Chunk> {
  private readonly calls = new Map<number, PendingCall>();
  private finish: string | null = null;
  private sawToolCalls = false;
  private refused = false;

  chunk(chunk: Chunk): ProviderEvent[] {
    const out: ProviderEvent[] = [];
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta;
      if (delta?.content) out.push({ type: "text-delta", text: delta.content });
      if (delta?.refusal) {
        this.refused = true;
        out.push({ type: "text-delta", text: delta.refusal });
      }
      for (const part of delta?.tool_calls ?? []) {
        let call = this.calls.get(part.index);
        if (!call) {
          call = { id: "", name: "", args: "" };
          this.calls.set(part.index, call);
        }
        if (part.id) call.id = part.id;
        if (part.function?.name && !call.name) call.name = part.function.name;
        if (part.function?.arguments) call.args += part.function.arguments;
      }
      if (choice.finish_reason) {
        this.finish = choice.finish_reason;
        this.flushCalls(out);
      }
    }
    const usage = chunk.usage;
    if (usage) {
      const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
      out.push({
        type: "usage",
        usage: {
          input: Math.max(0, (usage.prompt_tokens ?? 0) - cached),
          output: usage.completion_tokens ?? 0,
          ...(cached ? { cacheRead: cached } : {}),
        },
      });
    }
    return out;
  }

  end(): ProviderEvent[] {
    const out: ProviderEvent[] = [];
    this.flushCalls(out);
    out.push({ type: "stop", reason: this.stopReason() });
    return out;
  }

  private flushCalls(out: ProviderEvent[]): void {
    const indexes = [...this.calls.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      const call = this.calls.get(index)!;
      this.sawToolCalls = true;
      out.push({
        type: "tool-call",
        call: { id: call.id || fallbackCallId(), name: call.name, arguments: parseToolArguments(call.args) },
      });
    }
    this.calls.clear();
  }

  private stopReason(): StopReason {
    if (this.refused && (this.finish === null || this.finish === "stop")) return "refusal";
    switch (this.finish) {
      case "stop":
        // Some local servers report "stop" even when they asked for tools.
        return this.sawToolCalls ? "tool_calls" : "stop";
      case "tool_calls":
      case "function_call":
        return "tool_calls";
      case "length":
        return "length";
      case "content_filter":
        return "content_filter";
      default:
        return this.sawToolCalls ? "tool_calls" : "unknown";
    }
  }
}
