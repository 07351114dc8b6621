// Provider-neutral shapes shared by the run engine, the providers, the tools and the session
// store. Every view of a run (WS events, HTTP SSE, CLI, transcript) is built from these.

/** One piece of message content. */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; mimeType: string; data: string /* base64 */ };

/** A tool call the model asked for, with parsed JSON arguments. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** A conversation turn in the form every provider adapter accepts. */
export type ChatMessage =
  | { role: "user"; content: string | ContentBlock[] }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; toolName: string; content: string; isError?: boolean };

/**
 * What the model must do with its tools, when not left to it: call one of them ("required"), or
 * call the named one. A run forces it on its first model call only, so a tool loop can end.
 */
export type ToolChoice = "required" | { name: string };

/** A tool as the model sees it (JSON Schema parameters). */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface Usage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export type StopReason = "stop" | "tool_calls" | "length" | "content_filter" | "refusal" | "unknown";

/** What a provider adapter streams, normalised across APIs. */
export type ProviderEvent =
  | { type: "text-delta"; text: string }
  | { type: "tool-call"; call: ToolCall }
  | { type: "usage"; usage: Usage }
  | { type: "stop"; reason: StopReason };

export type ProviderApi = "openai-completions" | "openai-responses" | "anthropic-messages";

/** A model reference resolved against config and env: everything an adapter needs. */
export interface ResolvedModel {
  /** `provider/model` as written in config. */
  ref: string;
  provider: string;
  /** The provider's own model id. */
  model: string;
  api: ProviderApi;
  baseUrl: string;
  apiKey?: string;
  /** Where the key comes from, named in an auth failure: `models.providers.<id>.apiKey` or an env var. */
  apiKeySource?: string;
  headers?: Record<string, string>;
  contextWindow: number;
  maxTokens: number;
  name?: string;
  reasoning?: boolean;
}

export interface StreamRequest {
  model: ResolvedModel;
  system?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Absent: the model decides. Ignored without tools. */
  toolChoice?: ToolChoice;
  maxTokens?: number;
  signal: AbortSignal;
  /**
   * False when nobody watches the text as it comes (a non-stream HTTP answer): the adapter may ask
   * the provider for the whole answer in one response instead of a stream, which costs both
   * sides far less per call. The events are the same, the text in one delta. Default true.
   */
  incremental?: boolean;
}

/** The one interface every provider adapter implements. */
export interface ProviderAdapter {
  readonly api: ProviderApi;
  stream(req: StreamRequest): AsyncIterable<ProviderEvent>;
}

export type ProviderErrorKind =
  | "auth" // 401/403: fail at once, name the provider and the config key
  | "rate_limit" // 429
  | "server" // 5xx
  | "timeout"
  | "network" // connection refused/reset, DNS
  | "context_length"
  | "bad_request" // other 4xx
  | "aborted";

/** Every provider failure, classified so retries and fallbacks are decided in one place. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly provider: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
  get retryable(): boolean {
    return this.kind === "rate_limit" || this.kind === "server" || this.kind === "timeout" || this.kind === "network";
  }
}
