import { describe, expect, it } from "vitest";
import { fromAssistantTurn, MISSING_TOOL_RESULT, toChatMessages, toolResultMessage, userMessage } from "./convert.js";
import type { TranscriptMessage } from "./types.js";

describe("builders", () => {
  it("builds a user message with images", () => {
    const m = userMessage("look", [{ mimeType: "image/png", data: "AAAA" }], 5);
    expect(m).toEqual({
      role: "user",
      content: [{ type: "text", text: "look" }, { type: "image", mimeType: "image/png", data: "AAAA" }],
      timestamp: 5,
    });
  });

  it("builds an assistant message in the pi-agent shape", () => {
    const m = fromAssistantTurn({
      text: "hi",
      toolCalls: [{ id: "c1", name: "read", arguments: { path: "a" } }],
      usage: { input: 10, output: 5, cacheRead: 2 },
      stopReason: "tool_calls",
      provider: "openai",
      model: "gpt-x",
      timestamp: 7,
    });
    expect(m).toMatchObject({
      role: "assistant",
      content: [{ type: "text", text: "hi" }, { type: "toolCall", id: "c1", name: "read", arguments: { path: "a" } }],
      provider: "openai",
      model: "gpt-x",
      usage: { input: 10, output: 5, cacheRead: 2, cacheWrite: 0, totalTokens: 17 },
      stopReason: "toolUse",
      timestamp: 7,
    });
    expect(fromAssistantTurn({ text: "", provider: "p", model: "m", stopReason: "aborted" }).stopReason).toBe("aborted");
  });

  it("builds tool results", () => {
    expect(toolResultMessage({ toolCallId: "c1", toolName: "read", content: "ok", timestamp: 1 })).toEqual({
      role: "toolResult", toolCallId: "c1", toolName: "read", content: [{ type: "text", text: "ok" }], isError: false, timestamp: 1,
    });
  });
});

describe("toChatMessages", () => {
  it("maps user, assistant and tool results for the providers", () => {
    const history: TranscriptMessage[] = [
      userMessage("read a", [{ mimeType: "image/png", data: "AA" }], 1),
      {
        role: "assistant",
        content: [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "reading" }, { type: "toolCall", id: "c1", name: "read", arguments: { p: 1 } }],
        timestamp: 2,
      },
      toolResultMessage({ toolCallId: "c1", toolName: "read", content: "file body", isError: true, timestamp: 3 }),
      fromAssistantTurn({ text: "done", provider: "p", model: "m", timestamp: 4 }),
      { role: "user", content: "plain", timestamp: 5 },
    ];
    expect(toChatMessages(history)).toEqual([
      { role: "user", content: [{ type: "text", text: "read a" }, { type: "image", mimeType: "image/png", data: "AA" }] },
      { role: "assistant", content: "reading", toolCalls: [{ id: "c1", name: "read", arguments: { p: 1 } }] },
      { role: "tool", toolCallId: "c1", toolName: "read", content: "file body", isError: true },
      { role: "assistant", content: "done" },
      { role: "user", content: "plain" },
    ]);
  });

  it("pairs every tool call with a result and drops orphans and empty turns", () => {
    const history: TranscriptMessage[] = [
      toolResultMessage({ toolCallId: "gone", toolName: "x", content: "orphan" }),
      { role: "assistant", content: [{ type: "toolCall", id: "c1", name: "run", arguments: {} }], timestamp: 1 },
      userMessage("are you there?"),
      { role: "assistant", content: [], stopReason: "error", errorMessage: "boom", timestamp: 2 },
      { role: "assistant", content: [{ type: "toolCall", id: "c2", name: "run", arguments: {} }], timestamp: 3 },
    ];
    expect(toChatMessages(history)).toEqual([
      { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "run", arguments: {} }] },
      { role: "tool", toolCallId: "c1", toolName: "run", content: MISSING_TOOL_RESULT, isError: true },
      { role: "user", content: [{ type: "text", text: "are you there?" }] },
      { role: "assistant", content: "", toolCalls: [{ id: "c2", name: "run", arguments: {} }] },
      { role: "tool", toolCallId: "c2", toolName: "run", content: MISSING_TOOL_RESULT, isError: true },
    ]);
  });
});
