import { describe, expect, it } from "vitest";
import { ProviderError, type ResolvedModel } from "../types.js";
import { describeAdapterContract, describeWholeAnswerContract } from "./adapter-contract.testkit.js";
import { createOpenAIResponsesAdapter, ResponsesMapper, toResponsesBody } from "./openai-responses.js";

describeAdapterContract("openai-responses", createOpenAIResponsesAdapter);
describeWholeAnswerContract("openai-responses", createOpenAIResponsesAdapter);

const model: ResolvedModel = {
  ref: "openai/m", provider: "openai", model: "m", api: "openai-responses", baseUrl: "http://127.0.0.1:1/v1", contextWindow: 1000, maxTokens: 100,
};

describe("openai-responses mapping", () => {
  it("maps messages to input items, system to instructions, tools to function tools", () => {
    const body = toResponsesBody({
      model,
      system: "sys",
      messages: [
        { role: "user", content: [{ type: "text", text: "look" }, { type: "image", mimeType: "image/jpeg", data: "QUJD" }] },
        { role: "assistant", content: "checking", toolCalls: [{ id: "c1", name: "read", arguments: { path: "a" } }] },
        { role: "tool", toolCallId: "c1", toolName: "read", content: "file body" },
      ],
      tools: [{ name: "read", description: "Read", parameters: { type: "object" } }],
    });
    expect(body).toMatchObject({ model: "m", stream: true, store: false, instructions: "sys", max_output_tokens: 100 });
    expect(body.input).toEqual([
      { role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/jpeg;base64,QUJD", detail: "auto" }] },
      { role: "assistant", content: "checking" },
      { type: "function_call", call_id: "c1", name: "read", arguments: '{"path":"a"}' },
      { type: "function_call_output", call_id: "c1", output: "file body" },
    ]);
    expect(body.tools).toEqual([{ type: "function", name: "read", description: "Read", parameters: { type: "object" }, strict: false }]);
  });

  it("forces tools in the Responses shape, and only with tools", () => {
    const tools = [{ name: "a", description: "A", parameters: { type: "object", properties: {} } }];
    expect(toResponsesBody({ model, messages: [], tools, toolChoice: "required" }).tool_choice).toBe("required");
    expect(toResponsesBody({ model, messages: [], tools, toolChoice: { name: "a" } }).tool_choice).toEqual({ type: "function", name: "a" });
    expect(toResponsesBody({ model, messages: [], toolChoice: "required" })).not.toHaveProperty("tool_choice");
  });

  it("turns a failed response or an error event into a classified ProviderError", () => {
    const m = new ResponsesMapper("openai");
    const failed = () => m.chunk({ type: "response.failed", sequence_number: 1, response: { error: { code: "rate_limit_exceeded", message: "slow down" } } } as never);
    expect(failed).toThrow(ProviderError);
    try {
      failed();
    } catch (err) {
      expect((err as ProviderError).kind).toBe("rate_limit");
    }
    try {
      m.chunk({ type: "error", sequence_number: 2, code: "context_length_exceeded", message: "too long", param: null } as never);
    } catch (err) {
      expect((err as ProviderError).kind).toBe("context_length");
    }
  });
});
