// Between transcript messages (pi-agent shapes, as stored) and the provider-neutral ChatMessage
// the adapters take, plus builders for the messages the run engine appends.
import type { ChatMessage, ContentBlock, StopReason, ToolCall, Usage } from "../types.js";
import type {
  AssistantTranscriptMessage,
  ImagePart,
  TextPart,
  ThinkingPart,
  ToolCallPart,
  ToolResultTranscriptMessage,
  TranscriptMessage,
  TranscriptStopReason,
  TranscriptUsage,
  UserTranscriptMessage,
} from "./types.js";

/** Replayed for a tool call whose result never reached the transcript (a crash or an abort). */
export const MISSING_TOOL_RESULT = "No result was recorded for this tool call (the run was interrupted).";

export function userMessage(
  text: string,
  images: Array<{ mimeType: string; data: string }> = [],
  timestamp: number = Date.now(),
): UserTranscriptMessage {
  const content: Array<TextPart | ImagePart> = text ? [{ type: "text", text }] : [];
  for (const image of images) content.push({ type: "image", mimeType: image.mimeType, data: image.data });
  return { role: "user", content, timestamp };
}

/** One assistant turn as the run engine saw it. */
export interface AssistantTurn {
  text: string;
  toolCalls?: ToolCall[];
  /** Reasoning text, kept in the transcript and never replayed. */
  thinking?: string;
  usage?: Usage;
  /** The provider's reason, or "aborted"/"error" when the run ended that way. */
  stopReason?: StopReason | "aborted" | "error";
  provider: string;
  model: string;
  api?: string;
  errorMessage?: string;
  timestamp?: number;
}

const STOP_REASONS: Record<NonNullable<AssistantTurn["stopReason"]>, TranscriptStopReason> = {
  stop: "stop",
  tool_calls: "toolUse",
  length: "length",
  content_filter: "error",
  refusal: "error",
  unknown: "stop",
  aborted: "aborted",
  error: "error",
};

export function transcriptUsage(usage: Usage): TranscriptUsage {
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  return {
    input: usage.input,
    output: usage.output,
    cacheRead,
    cacheWrite,
    totalTokens: usage.input + usage.output + cacheRead + cacheWrite,
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
  };
}

export function fromAssistantTurn(turn: AssistantTurn): AssistantTranscriptMessage {
  const content: Array<TextPart | ThinkingPart | ToolCallPart> = [];
  if (turn.thinking) content.push({ type: "thinking", thinking: turn.thinking });
  if (turn.text) content.push({ type: "text", text: turn.text });
  for (const call of turn.toolCalls ?? []) content.push({ type: "toolCall", id: call.id, name: call.name, arguments: call.arguments });
  const stopReason = turn.stopReason ?? (turn.toolCalls?.length ? "tool_calls" : "stop");
  const message: AssistantTranscriptMessage = {
    role: "assistant",
    content,
    ...(turn.api ? { api: turn.api } : {}),
    provider: turn.provider,
    model: turn.model,
    usage: transcriptUsage(turn.usage ?? { input: 0, output: 0 }),
    stopReason: STOP_REASONS[stopReason],
    timestamp: turn.timestamp ?? Date.now(),
  };
  if (turn.errorMessage) message.errorMessage = turn.errorMessage;
  return message;
}

export function toolResultMessage(result: {
  toolCallId: string;
  toolName: string;
  content: string | ContentBlock[];
  isError?: boolean;
  details?: unknown;
  timestamp?: number;
}): ToolResultTranscriptMessage {
  const content: Array<TextPart | ImagePart> =
    typeof result.content === "string" ? [{ type: "text", text: result.content }] : result.content.map((b) => ({ ...b }));
  const message: ToolResultTranscriptMessage = {
    role: "toolResult",
    toolCallId: result.toolCallId,
    toolName: result.toolName,
    content,
    isError: result.isError ?? false,
    timestamp: result.timestamp ?? Date.now(),
  };
  if (result.details !== undefined) message.details = result.details;
  return message;
}

/** The plain text of a message (text parts joined; images and tool calls left out). */
export function messageText(message: TranscriptMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content
    .flatMap((part) => (part.type === "text" && typeof part.text === "string" ? [part.text] : []))
    .join("\n");
}

function userContent(message: UserTranscriptMessage): string | ContentBlock[] {
  if (typeof message.content === "string") return message.content;
  return message.content.flatMap((part): ContentBlock[] => {
    if (part.type === "text" && typeof part.text === "string") return [{ type: "text", text: part.text }];
    if (part.type === "image" && typeof part.data === "string") return [{ type: "image", mimeType: part.mimeType, data: part.data }];
    return [];
  });
}

function toolResultText(message: ToolResultTranscriptMessage): string {
  return message.content
    .flatMap((part) => (part.type === "text" ? [part.text] : part.type === "image" ? [`[image ${part.mimeType}]`] : []))
    .join("\n");
}

/**
 * Transcript history as provider messages: user text and images, assistant text and tool calls
 * (thinking dropped), tool results as `tool` messages. Providers reject unpaired tool calls, so
 * a call without a result gets an error result ({@link MISSING_TOOL_RESULT}) and a result
 * without its call is dropped; empty messages are dropped too.
 */
export function toChatMessages(history: TranscriptMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const open = new Map<string, string>();
  const closeOpenCalls = (): void => {
    for (const [toolCallId, toolName] of open) out.push({ role: "tool", toolCallId, toolName, content: MISSING_TOOL_RESULT, isError: true });
    open.clear();
  };
  for (const message of history) {
    if (message.role === "toolResult") {
      if (!open.delete(message.toolCallId)) continue;
      const tool: ChatMessage = { role: "tool", toolCallId: message.toolCallId, toolName: message.toolName, content: toolResultText(message) };
      if (message.isError) tool.isError = true;
      out.push(tool);
      continue;
    }
    closeOpenCalls();
    if (message.role === "user") {
      const content = userContent(message);
      if (content.length > 0) out.push({ role: "user", content });
      continue;
    }
    if (message.role !== "assistant") continue;
    const text = messageText(message);
    const toolCalls = message.content
      .filter((part): part is ToolCallPart => part.type === "toolCall" && typeof part.id === "string")
      .map((part) => ({ id: part.id, name: part.name, arguments: part.arguments ?? {} }));
    if (!text && toolCalls.length === 0) continue;
    out.push(toolCalls.length > 0 ? { role: "assistant", content: text, toolCalls } : { role: "assistant", content: text });
    for (const call of toolCalls) open.set(call.id, call.name);
  }
  closeOpenCalls();
  return out;
}
