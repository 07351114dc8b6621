// The fake provider's wire formats over plain fetch: what every provider test relies on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "./helpers/fake-provider.js";

let fp: FakeProvider;
beforeAll(async () => {
  fp = await startFakeProvider();
});
afterAll(() => fp.close());
beforeEach(() => fp.setBehavior({}));

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(fp.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

const json = (res: Response): Promise<any> => res.json();

/** `data:` payloads (and `event:` names) of an SSE body, in order. */
function parseSse(text: string): { event?: string; data: string }[] {
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
      const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      return event ? { event, data } : { data };
    });
}

const chatBody = { model: "m", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "ping" }] };

describe("fake provider", () => {
  it("streams chat completions in 3 deltas, usage, then [DONE]", async () => {
    const res = await post("/v1/chat/completions", chatBody);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = parseSse(await res.text());
    expect(events.at(-1)!.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    const text = chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta.content ?? "")).join("");
    expect(text).toBe("Hello from fake.");
    expect(chunks.filter((c) => c.choices[0]?.delta?.content).length).toBe(3);
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12 } });
    expect(fp.requests.at(-1)!.body.messages[0].content).toBe("ping");
  });

  it("answers non-stream chat completions and streams tool calls in fragments", async () => {
    fp.script({ text: "plain" }, { toolCalls: [{ id: "c1", name: "lookup", arguments: { q: "x" }, fragments: 4 }] });
    const plain = await json(await post("/v1/chat/completions", { ...chatBody, stream: false }));
    expect(plain.choices[0].message.content).toBe("plain");
    const events = parseSse(await (await post("/v1/chat/completions", chatBody)).text()).slice(0, -1);
    const parts = events.flatMap((e) => JSON.parse(e.data).choices[0]?.delta?.tool_calls ?? []);
    expect(parts[0]).toMatchObject({ index: 0, id: "c1", function: { name: "lookup" } });
    expect(parts.slice(1)).toHaveLength(4);
    expect(parts.map((p: any) => p.function.arguments).join("")).toBe('{"q":"x"}');
  });

  it("streams Responses events with event: lines and a completed usage", async () => {
    fp.script({ text: "ab", deltas: 2, toolCalls: [{ name: "t", arguments: '{"k":1}' }] });
    const events = parseSse(await (await post("/v1/responses", { model: "m", stream: true, input: "hi" })).text());
    const names = events.map((e) => e.event);
    expect(names[0]).toBe("response.created");
    expect(names).toContain("response.function_call_arguments.delta");
    expect(names.at(-1)).toBe("response.completed");
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    const deltas = events.filter((e) => e.event === "response.output_text.delta").map((e) => JSON.parse(e.data).delta);
    expect(deltas).toEqual(["a", "b"]);
    expect(JSON.parse(events.at(-1)!.data).response.usage.input_tokens).toBe(12);
  });

  it("streams Anthropic Messages events", async () => {
    fp.script({ toolCalls: [{ id: "tu_1", name: "t", arguments: { a: [1, 2] } }] });
    const res = await post("/v1/messages", { model: "m", max_tokens: 9, stream: true, messages: [{ role: "user", content: "hi" }] });
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      "message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta",
      "content_block_delta", "content_block_stop", "message_delta", "message_stop",
    ]);
    const json = events.filter((e) => e.event === "content_block_delta").map((e) => JSON.parse(e.data).delta.partial_json);
    expect(JSON.parse(json.join(""))).toEqual({ a: [1, 2] });
    expect(JSON.parse(events[7]!.data).delta.stop_reason).toBe("tool_use");
  });

  it("fails the first K requests with the scripted status and Retry-After", async () => {
    fp.setBehavior({ failFirst: { count: 2, status: 429, retryAfter: 3 } });
    const first = await post("/v1/chat/completions", chatBody);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    expect((await json(first)).error.type).toBe("rate_limit_exceeded");
    const second = await post("/v1/messages", { model: "m", messages: [] });
    expect(second.status).toBe(429);
    expect((await json(second)).error.type).toBe("rate_limit_error");
    expect((await post("/v1/chat/completions", chatBody)).status).toBe(200);
  });

  it("echoes the last user message", async () => {
    fp.setBehavior({ echo: true });
    const body = { model: "m", messages: [{ role: "user", content: "first" }, { role: "assistant", content: "x" }, { role: "user", content: [{ type: "text", text: "second" }] }] };
    const res = await json(await post("/v1/chat/completions", { ...body, stream: false }));
    expect(res.choices[0].message.content).toBe("second");
  });

  it("records a hung request that the client abandons", async () => {
    fp.script({ hang: true });
    const before = fp.requestCount;
    const controller = new AbortController();
    const pending = fetch(`${fp.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chatBody), signal: controller.signal })
      .then(() => "answered", (e: Error) => e.name);
    while (fp.requestCount === before) await new Promise((r) => setTimeout(r, 5));
    const rec = fp.requests.at(-1)!;
    expect(rec.clientClosed).toBe(false);
    controller.abort();
    await rec.closed;
    expect(rec.clientClosed).toBe(true);
    expect(await pending).toBe("AbortError");
  });

  it("serves GET /v1/models, /api/tags and 401 with a required key", async () => {
    const keyed = await startFakeProvider({ apiKey: "k", models: ["a", "b"] });
    try {
      expect((await fetch(`${keyed.url}/v1/models`, { headers: { authorization: "Bearer k" } }).then(json)).data.map((m: any) => m.id)).toEqual(["a", "b"]);
      expect((await fetch(`${keyed.url}/api/tags`, { headers: { "x-api-key": "k" } }).then(json)).models).toHaveLength(2);
      const denied = await fetch(`${keyed.url}/v1/chat/completions`, { method: "POST", body: "{}" });
      expect(denied.status).toBe(401);
    } finally {
      await keyed.close();
    }
  });

  it("serves many concurrent streams quickly", async () => {
    const started = Date.now();
    const texts = await Promise.all(
      Array.from({ length: 200 }, () => post("/v1/chat/completions", chatBody).then((r) => r.text())),
    );
    expect(texts.every((t) => t.endsWith("data: [DONE]\n\n"))).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
