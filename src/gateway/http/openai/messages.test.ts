import { describe, expect, it } from "vitest";
import { currentTurn, DEFAULT_IMAGE_LIMITS, mapChatMessages, mapClientTools, OpenAiRequestError, parseToolArguments, requireUserMessage } from "./messages.js";

const PNG = "data:image/png;base64,iVBORw0KGgo=";

function fails(fn: () => unknown): OpenAiRequestError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OpenAiRequestError);
    return err as OpenAiRequestError;
  }
  throw new Error("expected an OpenAiRequestError");
}

describe("mapChatMessages", () => {
  it("joins system and developer messages into the system prompt", () => {
    const c = mapChatMessages([
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
      { role: "user", content: "hi" },
    ]);
    expect(c.system).toBe("Be brief.\n\nUse metric units.");
    expect(c.messages).toEqual([{ role: "user", content: "hi" }]);
  });

  it("maps text and data-URL image parts to blocks", () => {
    const c = mapChatMessages([{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: PNG, detail: "low" } }] }]);
    expect(c.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "what is this?" },
        { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" },
      ],
    });
  });

  it("refuses image URLs unless allowed, bad data URLs, odd types and too many images", () => {
    const byUrl = (url: string, limits = DEFAULT_IMAGE_LIMITS) => mapChatMessages([{ role: "user", content: [{ type: "image_url", image_url: { url } }] }], limits);
    const off = fails(() => byUrl("https://x/y.png"));
    expect(off).toMatchObject({ code: "url_input_disabled", param: "messages[0].content[0].image_url" });
    expect(off.message).toContain("gateway.http.endpoints.chatCompletions.images.allowUrl");
    const listed = { ...DEFAULT_IMAGE_LIMITS, images: { ...DEFAULT_IMAGE_LIMITS.images, allowUrl: true, urlAllowlist: ["img.example", "*.cdn.example"] } };
    expect(fails(() => byUrl("https://x/y.png", listed))).toMatchObject({ code: "url_host_not_allowed", message: expect.stringContaining("image URL host is not allowed: x") });
    expect(fails(() => byUrl("https://cdn.example/y.png", listed)).code).toBe("url_host_not_allowed");
    expect(byUrl("https://a.cdn.example/y.png", listed).fetchImages).toBeTypeOf("function");
    expect(byUrl("https://IMG.example./y.png", listed).fetchImages).toBeTypeOf("function");
    expect(mapChatMessages([{ role: "user", content: [{ type: "image_url", image_url: { url: PNG } }] }]).fetchImages).toBeUndefined();
    const big = `data:image/png;base64,${"A".repeat(16)}`;
    expect(fails(() => byUrl(big, { ...DEFAULT_IMAGE_LIMITS, images: { ...DEFAULT_IMAGE_LIMITS.images, maxBytes: 8 } }))).toMatchObject({ code: "image_too_large", message: "image too large (max 8 bytes)." });
    expect(fails(() => mapChatMessages([{ role: "user", content: [{ type: "image_url", image_url: "data:image/png,abc" }] }])).param).toBe("messages[0].content[0].image_url");
    expect(fails(() => mapChatMessages([{ role: "user", content: [{ type: "image_url", image_url: "data:text/html;base64,PGI+" }] }])).message).toMatch(/Unsupported image type/);
    expect(fails(() => mapChatMessages([{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }])).param).toBe("messages[0].content[0].type");
    const many = Array.from({ length: 3 }, () => ({ type: "image_url", image_url: { url: PNG } }));
    expect(fails(() => mapChatMessages([{ role: "user", content: many }], { ...DEFAULT_IMAGE_LIMITS, maxParts: 2 })).message).toBe("Too many images (max 2).");
  });

  it("maps assistant tool calls and tool results, naming results after their call", () => {
    const c = mapChatMessages([
      { role: "user", content: "weather?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "12C" },
    ]);
    expect(c.messages).toEqual([
      { role: "user", content: "weather?" },
      { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Oslo" } }] },
      { role: "tool", toolCallId: "call_1", toolName: "get_weather", content: "12C" },
    ]);
  });

  it("maps legacy function_call / function messages onto one call id", () => {
    const c = mapChatMessages([
      { role: "user", content: "time?" },
      { role: "assistant", content: null, function_call: { name: "now", arguments: "{}" } },
      { role: "function", name: "now", content: "noon" },
    ]);
    expect(c.messages[1]).toEqual({ role: "assistant", content: "", toolCalls: [{ id: "call_legacy_1", name: "now", arguments: {} }] });
    expect(c.messages[2]).toEqual({ role: "tool", toolCallId: "call_legacy_1", toolName: "now", content: "noon" });
  });

  it("drops empty turns and rejects bad shapes with a param", () => {
    expect(mapChatMessages([{ role: "assistant", content: "" }, { role: "user", content: "" }]).messages).toEqual([]);
    expect(fails(() => mapChatMessages("hi")).param).toBe("messages");
    expect(fails(() => mapChatMessages([{ role: "robot", content: "x" }])).param).toBe("messages[0].role");
    expect(fails(() => mapChatMessages([{ role: "tool", content: "x" }])).param).toBe("messages[0].tool_call_id");
  });
});

describe("requireUserMessage", () => {
  it("needs a user turn with text or an image", () => {
    expect(fails(() => requireUserMessage([{ role: "assistant", content: "hi" }])).message).toBe("Missing user message in `messages`.");
    expect(fails(() => requireUserMessage([{ role: "user", content: "  " }])).param).toBe("messages");
    expect(() => requireUserMessage([{ role: "user", content: [{ type: "image", mimeType: "image/png", data: "AA==" }] }])).not.toThrow();
  });
});

describe("currentTurn", () => {
  it("is the last user message, with its images", () => {
    const turn = currentTurn([
      { role: "user", content: "first" },
      { role: "assistant", content: "ok" },
      { role: "user", content: [{ type: "text", text: "second" }, { type: "image", mimeType: "image/png", data: "AA==" }] },
    ]);
    expect(turn).toEqual({ message: "second", images: [{ type: "image", mimeType: "image/png", data: "AA==" }] });
  });

  it("is the tool results when the client continues after its own tool calls", () => {
    const turn = currentTurn([
      { role: "user", content: "weather?" },
      { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "get_weather", arguments: {} }] },
      { role: "tool", toolCallId: "c1", toolName: "get_weather", content: "12C" },
    ]);
    expect(turn.message).toBe("Results of your tool calls:\n\n[get_weather c1]\n12C");
  });
});

describe("mapClientTools and parseToolArguments", () => {
  const chatTool = { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };

  it("accepts chat and responses shapes; tool_choice none drops them, a named one filters", () => {
    const responsesTool = { type: "function", name: "now" };
    expect(mapClientTools([chatTool, responsesTool], "auto")).toEqual([
      { name: "get_weather", description: "Weather", parameters: chatTool.function.parameters },
      { name: "now", description: "", parameters: { type: "object", properties: {} } },
    ]);
    expect(mapClientTools([chatTool], "none")).toBeUndefined();
    expect(mapClientTools([chatTool, responsesTool], { type: "function", function: { name: "now" } })?.map((t) => t.name)).toEqual(["now"]);
    expect(mapClientTools(undefined, undefined)).toBeUndefined();
  });

  it("rejects non-function tools and bad names", () => {
    expect(fails(() => mapClientTools([{ type: "web_search" }], undefined)).param).toBe("tools[0].type");
    expect(fails(() => mapClientTools([{ type: "function", function: { name: "bad name" } }], undefined)).param).toBe("tools[0].function.name");
  });

  it("parses JSON argument strings, tolerating junk", () => {
    expect(parseToolArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseToolArguments("{oops")).toEqual({});
    expect(parseToolArguments("[1]")).toEqual({});
    expect(parseToolArguments({ b: 2 })).toEqual({ b: 2 });
  });
});
