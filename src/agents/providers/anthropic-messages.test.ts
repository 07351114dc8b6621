import { describe, expect, it } from "vitest";
import type { ResolvedModel } from "../types.js";
import { describeAdapterContract } from "./adapter-contract.testkit.js";
import { createAnthropicMessagesAdapter, MessagesMapper, toMessagesBody } from "./anthropic-messages.js";

describeAdapterContract("anthropic-messages", createAnthropicMessagesAdapter);

const model: ResolvedModel = {
  ref: "anthropic/c", provider: "anthropic", model: "c", api: "anthropic-messages", baseUrl: "http://127.0.0.1:1", contextWindow: 1000, maxTokens: 100,
};

describe("anthropic-messages mapping", () => {
  it("maps images to base64 blocks and merges a turn's tool results into one user message", () => {
    const body = toMessagesBody({
      model,
      system: "sys",
      messages: [
        { role: "user", content: [{ type: "text", text: "look" }, { type: "image", mimeType: "image/png", data: "QUJD" }] },
        { role: "assistant", content: "", toolCalls: [{ id: "t1", name: "a", arguments: {} }, { id: "t2", name: "b", arguments: { x: 1 } }] },
        { role: "tool", toolCallId: "t1", toolName: "a", content: "one" },
        { role: "tool", toolCallId: "t2", toolName: "b", content: "boom", isError: true },
        { role: "user", content: "and?" },
      ],
      tools: [{ name: "a", description: "A", parameters: { properties: { x: { type: "number" } } } }],
    });
    expect(body).toMatchObject({ model: "c", max_tokens: 100, system: "sys", stream: true });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "QUJD" } }] },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "a", input: {} }, { type: "tool_use", id: "t2", name: "b", input: { x: 1 } }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "one" },
          { type: "tool_result", tool_use_id: "t2", content: "boom", is_error: true },
          { type: "text", text: "and?" },
        ],
      },
    ]);
    expect(body.tools).toEqual([{ name: "a", description: "A", input_schema: { type: "object", properties: { x: { type: "number" } } } }]);
  });

  it("forces tools as Anthropic says it: any for required, tool for a name, nothing without tools", () => {
    const tools = [{ name: "a", description: "A", parameters: { type: "object", properties: {} } }];
    expect(toMessagesBody({ model, messages: [], tools, toolChoice: "required" }).tool_choice).toEqual({ type: "any" });
    expect(toMessagesBody({ model, messages: [], tools, toolChoice: { name: "a" } }).tool_choice).toEqual({ type: "tool", name: "a" });
    expect(toMessagesBody({ model, messages: [], tools })).not.toHaveProperty("tool_choice");
    expect(toMessagesBody({ model, messages: [], toolChoice: "required" })).not.toHaveProperty("tool_choice");
  });

  it("sums usage across message_start and message_delta, cache tokens included", () => {
    const m = new MessagesMapper();
    m.chunk({ type: "message_start", message: { usage: { input_tokens: 5, output_tokens: 1, cache_read_input_tokens: 3, cache_creation_input_tokens: 2 } } } as never);
    m.chunk({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 9 } } as never);
    expect(m.end()).toEqual([
      { type: "usage", usage: { input: 5, output: 9, cacheRead: 3, cacheWrite: 2 } },
      { type: "stop", reason: "stop" },
    ]);
  });
});
