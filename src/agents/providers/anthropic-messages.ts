// The Anthropic Messages adapter: our messages as alternating user/assistant content blocks,
// the raw event stream out as ProviderEvents.
import type Anthropic from "@anthropic-ai/sdk";
import type { ChatMessage, ProviderAdapter, ProviderEvent, ResolvedModel, StopReason, StreamRequest } from "../types.js";
import { ClientCache } from "./client-cache.js";
import { DEFAULT_TIMEOUT_MS, guardedStream, type AdapterOptions, type StreamMapper } from "./guarded-stream.js";
import { createHttpTransport, type FetchLike } from "./http-transport.js";
import { fallbackCallId, parseToolArguments } from "./message-parts.js";

type StreamEvent = Anthropic.RawMessageStreamEvent;
type MessageParam = Anthropic.MessageParam;
type Block = Anthropic.ContentBlockParam;
type Body = Anthropic.MessageCreateParamsStreaming;

export function createAnthropicMessagesAdapter(opts: AdapterOptions = {}): ProviderAdapter {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clients = new ClientCache<Anthropic>(opts.maxClients);
  const transport = createHttpTransport();
  return {
    api: "anthropic-messages",
    // Always streamed, also when the request is not incremental: the Anthropic SDK refuses a
    // non-stream call whose max_tokens could take more than 10 minutes to generate.
    stream(req) {
      const open = async (signal: AbortSignal) => {
        const client = await clients.get(req.model, () => createAnthropicClient(req.model, timeoutMs, transport.fetch));
        return client.messages.create(toMessagesBody(req), { signal });
      };
      return guardedStream(req, timeoutMs, open, new MessagesMapper());
    },
  };
}

async function createAnthropicClient(model: ResolvedModel, timeoutMs: number, fetch: FetchLike): Promise<Anthropic> {
  const { default: AnthropicClient } = await import("@anthropic-ai/sdk");
  return new AnthropicClient({
    baseURL: model.baseUrl,
    // Passing a key keeps the SDK from searching env vars and profile files for credentials.
    apiKey: model.apiKey || "no-key",
    defaultHeaders: model.headers,
    maxRetries: 0,
    timeout: timeoutMs,
    fetch,
  });
}

/** The request body for `POST /v1/messages`, streaming. */
export function toMessagesBody(req: Omit<StreamRequest, "signal">): Body {
  const body: Body = {
    model: req.model.model,
    max_tokens: req.maxTokens ?? req.model.maxTokens,
    messages: toMessageParams(req.messages),
    stream: true,
  };
  if (req.system) body.system = req.system;
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: { type: "object" as const, ...t.parameters },
    }));
    if (req.toolChoice) body.tool_choice = req.toolChoice === "required" ? { type: "any" } : { type: "tool", name: req.toolChoice.name };
  }
  return body;
}

// Anthropic wants strictly alternating roles and every tool result of a turn in the one user
// message that follows it, so consecutive same-role turns are merged.
function toMessageParams(messages: ChatMessage[]): MessageParam[] {
  const out: { role: "user" | "assistant"; content: Block[] }[] = [];
  const push = (role: "user" | "assistant", blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === "user") {
      if (typeof m.content === "string") push("user", [{ type: "text", text: m.content }]);
      else {
        push(
          "user",
          m.content.map((b): Block =>
            b.type === "text"
              ? { type: "text", text: b.text }
              : { type: "image", source: { type: "base64", media_type: b.mimeType as "image/png", data: b.data } },
          ),
        );
      }
    } else if (m.role === "assistant") {
      const blocks: Block[] = m.content ? [{ type: "text", text: m.content }] : [];
      for (const c of m.toolCalls ?? []) blocks.push({ type: "tool_use", id: c.id, name: c.name, input: c.arguments });
      push("assistant", blocks);
    } else {
      push("user", [
        { type: "tool_result", tool_use_id: m.toolCallId, content: m.content, ...(m.isError ? { is_error: true } : {}) },
      ]);
    }
  }
  return out;
}

interface PendingTool {
  id: string;
  name: string;
  json: string;
}

/** Event-to-event state machine; usage is summed and emitted once, before the stop. */
export class MessagesMapper implements StreamMapper<StreamEvent> {
  private readonly tools = new Map<number, PendingTool>();
  private input = 0;
  private output = 0;
  private cacheRead = 0;
  private cacheWrite = 0;
  private sawUsage = false;
  private stop: string | null = null;

  chunk(event: StreamEvent): ProviderEvent[] {
    switch (event.type) {
      case "message_start": {
        const u = event.message.usage;
        this.sawUsage = true;
        this.input = u.input_tokens ?? 0;
        this.output = u.output_tokens ?? 0;
        this.cacheRead = u.cache_read_input_tokens ?? 0;
        this.cacheWrite = u.cache_creation_input_tokens ?? 0;
        return [];
      }
      case "content_block_start": {
        const block = event.content_block;
        if (block.type === "tool_use") {
          this.tools.set(event.index, { id: block.id, name: block.name, json: "" });
        } else if (block.type === "text" && block.text) {
          return [{ type: "text-delta", text: block.text }];
        }
        return [];
      }
      case "content_block_delta": {
        const delta = event.delta;
        if (delta.type === "text_delta") return delta.text ? [{ type: "text-delta", text: delta.text }] : [];
        if (delta.type === "input_json_delta") {
          const tool = this.tools.get(event.index);
          if (tool) tool.json += delta.partial_json;
        }
        return [];
      }
      case "content_block_stop": {
        const tool = this.tools.get(event.index);
        if (!tool) return [];
        this.tools.delete(event.index);
        return [toolEvent(tool)];
      }
      case "message_delta": {
        if (event.delta.stop_reason) this.stop = event.delta.stop_reason;
        const u = event.usage;
        if (u) {
          this.sawUsage = true;
          // message_delta counts are cumulative.
          if (u.output_tokens != null) this.output = u.output_tokens;
          if (u.input_tokens != null) this.input = u.input_tokens;
          if (u.cache_read_input_tokens != null) this.cacheRead = u.cache_read_input_tokens;
          if (u.cache_creation_input_tokens != null) this.cacheWrite = u.cache_creation_input_tokens;
        }
        return [];
      }
      default:
        return [];
    }
  }

  end(): ProviderEvent[] {
    const out: ProviderEvent[] = [...this.tools.values()].map(toolEvent);
    this.tools.clear();
    if (this.sawUsage) {
      out.push({
        type: "usage",
        usage: {
          input: this.input,
          output: this.output,
          ...(this.cacheRead ? { cacheRead: this.cacheRead } : {}),
          ...(this.cacheWrite ? { cacheWrite: this.cacheWrite } : {}),
        },
      });
    }
    out.push({ type: "stop", reason: stopReason(this.stop) });
    return out;
  }
}

function toolEvent(tool: PendingTool): ProviderEvent {
  return {
    type: "tool-call",
    call: { id: tool.id || fallbackCallId(), name: tool.name, arguments: parseToolArguments(tool.json) },
  };
}

function stopReason(reason: string | null): StopReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "refusal":
      return "refusal";
    default:
      return "unknown";
  }
}
