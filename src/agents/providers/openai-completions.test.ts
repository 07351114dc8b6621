import { describe, expect, it } from "vitest";
import type { ResolvedModel } from "../types.js";
import { describeAdapterContract, describeWholeAnswerContract } from "./adapter-contract.testkit.js";
import { CompletionsMapper, createOpenAICompletionsAdapter, toCompletionsBody } from "./openai-completions.js";

describeAdapterContract("openai-completions", createOpenAICompletionsAdapter);
describeWholeAnswerContract("openai-completions", createOpenAICompletionsAdapter);

const model = (baseUrl = "http://127.0.0.1:1/v1"): ResolvedModel => ({
  ref: "local/m", provider: "local", model: "m", api: "openai-completions", baseUrl, contextWindow: 1000, maxTokens: 100,
});

describe("openai-completions mapping", () => {
  it("maps system, images, assistant tool calls, tool results and tools", () => {
    const body = toCompletionsBody({
      model: model(),
      system: "sys",
      maxTokens: 50,
      messages: [
        { role: "user", content: [{ type: "text", text: "look" }, { type: "image", mimeType: "image/png", data: "QUJD" }] },
        { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "read", arguments: { path: "a" } }] },
        { role: "tool", toolCallId: "c1", toolName: "read", content: "file body" },
      ],
      tools: [{ name: "read", description: "Read a file", parameters: { type: "object", properties: {} } }],
    });
    expect(body).toMatchObject({ model: "m", stream: true, stream_options: { include_usage: true }, max_tokens: 50 });
    expect(body.messages).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,QUJD" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "read", arguments: '{"path":"a"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "file body" },
    ]);
    expect(body.tools).toEqual([{ type: "function", function: { name: "read", description: "Read a file", parameters: { type: "object", properties: {} } } }]);
  });

  it("forces tools in the chat shape, and only with tools", () => {
    const tools = [{ name: "a", description: "A", parameters: { type: "object", properties: {} } }];
    expect(toCompletionsBody({ model: model(), messages: [], tools, toolChoice: "required" }).tool_choice).toBe("required");
    expect(toCompletionsBody({ model: model(), messages: [], tools, toolChoice: { name: "a" } }).tool_choice).toEqual({ type: "function", function: { name: "a" } });
    expect(toCompletionsBody({ model: model(), messages: [], toolChoice: "required" })).not.toHaveProperty("tool_choice");
  });

  it("uses max_completion_tokens for api.openai.com", () => {
    const body = toCompletionsBody({ model: model("https://api.openai.com/v1"), messages: [] });
    expect(body.max_completion_tokens).toBe(100);
    expect(body.max_tokens).toBeUndefined();
  });

  it("treats tool calls under a plain stop as tool_calls and nets cached tokens out of input", () => {
    const m = new CompletionsMapper();
    const chunk = (delta: object, finish_reason: string | null = null, usage?: object) =>
      ({ id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta, finish_reason }], ...(usage ? { usage } : {}) }) as never;
    expect(m.chunk(chunk({ tool_calls: [{ index: 0, function: { name: "t", arguments: '{"a"' } }] }))).toEqual([]);
    m.chunk(chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }));
    const flushed = m.chunk(chunk({}, "stop", { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } }));
    expect(flushed[0]).toMatchObject({ type: "tool-call", call: { name: "t", arguments: { a: 1 } } });
    expect((flushed[0] as { call: { id: string } }).call.id).toMatch(/^call_/);
    expect(flushed[1]).toEqual({ type: "usage", usage: { input: 6, output: 2, cacheRead: 4 } });
    expect(m.end()).toEqual([{ type: "stop", reason: "tool_calls" }]);
  });
});
