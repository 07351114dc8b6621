// The stored conversation behind /v1/responses: every response is recorded in a session so that
// `previous_response_id` can continue it. Runs get the conversation as `context` (so function
// call outputs and multi-item inputs need no fake user turn); the exchange is appended afterwards.
import { randomUUID } from "node:crypto";
import type { RunResult } from "../../../agents/engine/run-events.js";
import { fromAssistantTurn } from "../../../agents/sessions/convert.js";
import type { SessionStore } from "../../../agents/sessions/store.js";
import type { TranscriptMessage } from "../../../agents/sessions/types.js";
import { EMPTY_RESPONSE_TEXT } from "./responses-resource.js";

export interface Conversation {
  agentId: string;
  sessionKey: string;
  /** The turns replayed before the new input. */
  history: TranscriptMessage[];
}

export class ConversationGoneError extends Error {
  constructor() {
    super("The conversation of `previous_response_id` was reset or deleted.");
    this.name = "ConversationGoneError";
  }
}

/**
 * Opens the conversation to continue. With `upTo` (a stored response's last entry) the session
 * is replayed up to that entry; when later turns exist (the caller branches from an older
 * response) the prefix is copied into a new session so both branches stay intact.
 */
export async function openConversation(sessions: SessionStore, agentId: string, sessionKey: string, upTo?: string): Promise<Conversation> {
  const entries = (await sessions.readTranscript(agentId, sessionKey)).filter((e) => e.type === "message");
  if (upTo === undefined) return { agentId, sessionKey, history: entries.map((e) => e.message) };
  const at = entries.findIndex((e) => e.id === upTo);
  if (at < 0) throw new ConversationGoneError();
  const history = entries.slice(0, at + 1).map((e) => e.message);
  if (at === entries.length - 1) return { agentId, sessionKey, history };
  const fork = `agent:${agentId}:openresponses:${randomUUID()}`;
  await sessions.append(agentId, fork, history);
  return { agentId, sessionKey: fork, history };
}

/** The assistant turn the caller saw, as the transcript keeps it. */
export function resultTurn(result: RunResult): TranscriptMessage {
  const calls = result.toolCalls ?? [];
  return fromAssistantTurn({
    text: result.text || (calls.length ? "" : EMPTY_RESPONSE_TEXT),
    toolCalls: calls,
    ...(result.usage ? { usage: result.usage } : {}),
    stopReason: calls.length ? "tool_calls" : (result.stopReason ?? "stop"),
    provider: result.model?.provider ?? "unknown",
    model: result.model?.model ?? "unknown",
  });
}

/**
 * Appends the new input turns and the reply, and records the channel the request came in on
 * (`x-openclaw-message-channel`) as the session's `channel`; returns the id of the last entry written.
 */
export async function recordExchange(sessions: SessionStore, conv: Conversation, input: TranscriptMessage[], result: RunResult, channel: string): Promise<string> {
  const written = await sessions.append(conv.agentId, conv.sessionKey, [...input, resultTurn(result)]);
  await sessions.patch(conv.agentId, conv.sessionKey, { channel });
  return written.at(-1)!.id;
}
