import { describe, expect, it } from "vitest";
import { toChatMessages } from "../../../agents/sessions/convert.js";
import { callsIn, mapInput, parseResponsesRequest, ResponsesInputError } from "./responses-input.js";

const PNG = "data:image/png;base64,iVBORw0KGgo=";

function inputError(fn: () => unknown): ResponsesInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ResponsesInputError) return err;
    throw err;
  }
  throw new Error("expected a ResponsesInputError");
}

describe("parseResponsesRequest", () => {
  it("reads the fields it uses and ignores the rest", () => {
    const req = parseResponsesRequest({
      model: "openclaw",
      input: "hi",
      instructions: "Be brief.",
      stream: true,
      max_output_tokens: 50,
      user: "u1",
      previous_response_id: "resp_1",
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }, { type: "web_search" }],
      temperature: 0.2,
      store: false,
      reasoning: { effort: "low" },
      truncation: "auto",
    });
    expect(req).toMatchObject({ stream: true, instructions: "Be brief.", maxOutputTokens: 50, user: "u1", previousResponseId: "resp_1" });
    expect(req.clientTools).toEqual([{ name: "get_weather", description: "", parameters: { type: "object", properties: { city: { type: "string" } } } }]);
  });

  it("tool_choice none disables the client tools", () => {
    const req = parseResponsesRequest({ model: "openclaw", input: "x", tools: [{ type: "function", name: "f" }], tool_choice: "none" });
    expect(req.clientTools).toEqual([]);
  });

  it("rejects bad fields with the param named", () => {
    expect(inputError(() => parseResponsesRequest({ model: "openclaw" })).param).toBe("input");
    expect(inputError(() => parseResponsesRequest({ model: "openclaw", input: "x", max_output_tokens: 0 })).param).toBe("max_output_tokens");
    expect(inputError(() => parseResponsesRequest({ model: "openclaw", input: "x", tools: [{ type: "function", name: "bad name" }] })).param).toBe("tools[0].name");
    expect(inputError(() => parseResponsesRequest([])).message).toMatch(/JSON object/);
  });
});

describe("mapInput", () => {
  it("maps a string to one user turn", () => {
    const { turns, system } = mapInput("hello");
    expect(system).toEqual([]);
    expect(toChatMessages(turns)).toEqual([{ role: "user", content: [{ type: "text", text: "hello" }] }]);
  });

  it("maps messages of every role and content part kind", () => {
    const { turns, system } = mapInput([
      { type: "message", role: "system", content: "sys" },
      { role: "developer", content: [{ type: "input_text", text: "dev" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", image_url: PNG, detail: "auto" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "a cat", annotations: [] }] },
      { type: "reasoning", id: "rs_1", summary: [] },
      { type: "item_reference", id: "msg_x" },
      { role: "user", content: "thanks" },
    ]);
    expect(system).toEqual(["sys", "dev"]);
    expect(toChatMessages(turns)).toEqual([
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" }] },
      { role: "assistant", content: "a cat" },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ]);
  });

  it("joins a message and its function calls into one assistant turn, paired with their outputs", () => {
    const { turns } = mapInput([
      { role: "user", content: "weather?" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "function_call", call_id: "call_2", name: "get_time", arguments: "" },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
      { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "noon" }] },
    ]);
    expect(toChatMessages(turns)).toEqual([
      { role: "user", content: [{ type: "text", text: "weather?" }] },
      {
        role: "assistant",
        content: "Checking.",
        toolCalls: [
          { id: "call_1", name: "get_weather", arguments: { city: "Paris" } },
          { id: "call_2", name: "get_time", arguments: {} },
        ],
      },
      { role: "tool", toolCallId: "call_1", toolName: "get_weather", content: "sunny" },
      { role: "tool", toolCallId: "call_2", toolName: "get_time", content: "noon" },
    ]);
  });

  it("answers a function call from the replayed history", () => {
    const history = mapInput([{ type: "function_call", call_id: "call_9", name: "lookup", arguments: "{}" }]).turns;
    const { turns } = mapInput([{ type: "function_call_output", call_id: "call_9", output: "42" }], callsIn(history));
    expect(toChatMessages([...history, ...turns]).at(-1)).toEqual({ role: "tool", toolCallId: "call_9", toolName: "lookup", content: "42" });
  });

  it("refuses outputs for unknown calls, unknown items and unsupported parts", () => {
    expect(inputError(() => mapInput([{ type: "function_call_output", call_id: "nope", output: "x" }])).message).toBe("No function_call found for call_id 'nope'.");
    expect(inputError(() => mapInput([{ type: "computer_call" }])).param).toBe("input[0].type");
    expect(inputError(() => mapInput([{ role: "tool", content: "x" }])).param).toBe("input[0].role");
    expect(inputError(() => mapInput([{ role: "user", content: [{ type: "input_image", image_url: "https://example.com/a.png" }] }])).code).toBe("unsupported_image_url");
    expect(inputError(() => mapInput([{ role: "user", content: [{ type: "input_image", image_url: "data:image/svg+xml;base64,AAAA" }] }])).message).toMatch(/Unsupported image type/);
    expect(inputError(() => mapInput([{ role: "user", content: [{ type: "input_file", file_data: "x" }] }])).code).toBe("unsupported_content");
    expect(inputError(() => mapInput(42)).param).toBe("input");
  });
});
