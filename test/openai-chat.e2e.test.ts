// /v1/models and /v1/chat/completions through the official openai SDK (and raw fetch where the
// bytes matter), against a gateway whose agent talks to the fake provider.
import OpenAI, { APIError, AuthenticationError, BadRequestError, NotFoundError, RateLimitError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chatCompletionsStage } from "../src/gateway/http/openai/chat-completions.js";
import { modelsStage } from "../src/gateway/http/openai/models.js";
import { agentConfig, startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { startGateway } from "./helpers/in-process.js";
import { startStaticServer, type StaticServer } from "./helpers/static-server.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";

const httpStages = [modelsStage, chatCompletionsStage];
const ORIGIN = "https://ui.example";

// A PNG's signature and some bytes: enough for the gateway's type check, never decoded.
const PNG_BYTES = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(24, 1)]);

let h: AgentHarness;
let client: OpenAI;
let base: string;
let images: StaticServer;

beforeAll(async () => {
  images = await startStaticServer({ "/cat.png": { body: PNG_BYTES, type: "image/png" }, "/cat.txt": { body: "meow", type: "text/plain" } });
  h = await startAgentHarness({
    gateway: { httpStages },
    stateConfig: (url, ws) => {
      const c = agentConfig(url, ws) as Record<string, any>;
      // Image URLs are off by default; 127.0.0.1 is reachable only because it is listed.
      const imageUrls = { allowUrl: true, urlAllowlist: ["127.0.0.1"] };
      c.gateway.http = { endpoints: { chatCompletions: { enabled: true, images: imageUrls } }, cors: { allowedOrigins: [ORIGIN] } };
      return c;
    },
  });
  base = `${h.gw.httpUrl}/v1`;
  client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: base, maxRetries: 0 });
});
afterAll(async () => {
  await h.stop();
  await images.close();
});
afterEach(() => {
  h.fake.setBehavior({});
});

const lastModelRequest = () => h.fake.requests.filter((r) => r.api === "chat").at(-1)!;
const sentMessages = () => (lastModelRequest().body.messages as any[]).filter((m) => m.role !== "system");
const textOf = (m: any): string => (typeof m.content === "string" ? m.content : (m.content ?? []).map((p: any) => p.text ?? "").join(""));
const post = (body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${base}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

const json = (r: Response): Promise<any> => r.json();

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("/v1/models", () => {
  it("lists the agents with the gateway's start time", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["openclaw", "openclaw/default", "openclaw/main"]);
    expect(page.data[0]).toEqual({ id: "openclaw", object: "model", created: Math.floor(h.gw.gateway.startedAt / 1000), owned_by: "openclaw", permission: [] });
  });

  it("retrieves an id with a slash, 404s an unknown one and 400s a malformed one", async () => {
    expect((await client.models.retrieve("openclaw/default")).id).toBe("openclaw/default");
    const missing = await client.models.retrieve("openclaw/nosuch").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).message).toContain("Model 'openclaw/nosuch' not found.");
    expect((missing as NotFoundError).code).toBe("model_not_found");
    expect(await client.models.retrieve("gpt-4o").catch((e: unknown) => e)).toBeInstanceOf(BadRequestError);
  });

  it("refuses a wrong key with 401 and other methods with 405", async () => {
    const bad = new OpenAI({ apiKey: "wrong", baseURL: base, maxRetries: 0 });
    const err = await bad.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as APIError).requestID).toBeTruthy();
    expect((err as APIError).code).toBe("invalid_api_key");
    const noKey = await fetch(`${base}/chat/completions`, { method: "POST", body: "{}" });
    expect(noKey.status).toBe(401);
    // The reference's body, with the OpenAI fields every /v1 error carries.
    expect(await json(noKey)).toEqual({ error: { message: "Unauthorized", type: "unauthorized", param: null, code: "invalid_api_key" } });
    const res = await fetch(`${base}/models`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect((await json(res)).error.code).toBe("method_not_allowed");
  });
});

describe("other /v1 paths", () => {
  it("answer 404 unknown_url in the OpenAI shape, not plain text", async () => {
    for (const [method, path] of [["GET", "/v1/nope"], ["POST", "/v1/completions"], ["GET", "/v1"]] as const) {
      const res = await fetch(`${h.gw.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.headers.get("x-request-id")).toBeTruthy();
      expect(await json(res)).toMatchObject({ error: { type: "invalid_request_error", param: null, code: "unknown_url", message: expect.stringContaining(`${method} ${path}`) } });
    }
    const sdkError = await client.completions.create({ model: "openclaw", prompt: "hi" }).catch((e: unknown) => e);
    expect(sdkError).toBeInstanceOf(NotFoundError);
  });

  it("a model that is no agent is model_not_found (LobeChat's check model)", async () => {
    const err = await client.chat.completions.create({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as APIError).code).toBe("model_not_found");
    expect((err as APIError).message).toContain("Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.");
  });
});

describe("disabled endpoints", () => {
  it("answer 404 endpoint_disabled in the OpenAI shape, naming the flag", async () => {
    const gw = await startGateway(localConfig(), { httpStages });
    try {
      const c = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gw.httpUrl}/v1`, maxRetries: 0 });
      const err = await c.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as APIError).code).toBe("endpoint_disabled");
      const res = await fetch(`${gw.httpUrl}/v1/chat/completions`, { method: "POST" });
      expect(await json(res)).toEqual({
        error: {
          message: "The /v1/chat/completions endpoint is disabled. Set gateway.http.endpoints.chatCompletions.enabled=true to enable it.",
          type: "invalid_request_error",
          param: null,
          code: "endpoint_disabled",
        },
      });
      const models = await c.models.list().catch((e: unknown) => e);
      expect((models as APIError).status).toBe(404);
      expect((models as APIError).code).toBe("endpoint_disabled");
    } finally {
      await gw.stop();
    }
  });
});

describe("chat completions", () => {
  it("answers a non-stream request, ignoring parameters that do not apply", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "openclaw/default", messages: [{ role: "user", content: "hi" }], temperature: 1, top_p: 1, presence_penalty: 0, frequency_penalty: 0, user: "LibreChat_User_ID", stop: ["x"], n: 1, seed: 1, logit_bias: {}, response_format: { type: "text" }, max_tokens: 100 })
      .withResponse();
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(data.id).toMatch(/^chatcmpl_[0-9a-f-]{36}$/);
    expect(data).toMatchObject({ object: "chat.completion", model: "openclaw/default", choices: [{ index: 0, message: { role: "assistant", content: "Hello from fake." }, finish_reason: "stop" }] });
    expect(data.usage).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
    expect(lastModelRequest().body.max_tokens ?? lastModelRequest().body.max_completion_tokens).toBe(100);
      // Nobody watches this answer as it comes, so the model is asked for it whole.
    expect(lastModelRequest().body.stream).not.toBe(true);
  });

  it("streams: role chunk first, deltas concatenate to the text, then the finish chunk", async () => {
    h.fake.script({ text: "One two three four", deltas: 4 });
    const stream = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "count" }], stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]!.choices[0]).toEqual({ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("One two three four");
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(4);
    expect(chunks.at(-1)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop" });
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "openclaw" && !("usage" in c))).toBe(true);
     expect(lastModelRequest().body.stream).toBe(true);
  });

  it("sends the usage chunk (choices: []) last when include_usage is set", async () => {
    const stream = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("frames SSE exactly: data lines, blank-line separated, [DONE] last", async () => {
    const res = await post({ model: "openclaw", stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const raw = await res.text();
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
    const frames = raw.split("\n\n").slice(0, -1);
    for (const f of frames) expect(f).toMatch(/^data: [^\n]+$/);
    expect(frames.filter((f) => f === "data: [DONE]")).toHaveLength(1);
    expect(frames.slice(0, -1).every((f) => !("error" in JSON.parse(f.slice(6))))).toBe(true);
  });

  it("rejects bad requests with OpenAI-shaped 400s", async () => {
    const bad = await fetch(`${base}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: "{oops" });
    expect(bad.status).toBe(400);
    const body = await json(bad);
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/JSON/);
    const noUser = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "system", content: "x" }] }).catch((e: unknown) => e);
    expect(noUser).toBeInstanceOf(BadRequestError);
    expect((noUser as APIError).message).toContain("Missing user message in `messages`.");
    const noMessages = await post({ model: "openclaw" });
    expect((await json(noMessages)).error.param).toBe("messages");
    const badModel = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect((badModel as APIError).param).toBe("model");
    const get = await fetch(`${base}/chat/completions`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("image URLs", () => {
  it("fetches an allow-listed image URL and hands the model the bytes inline", async () => {
    await client.chat.completions.create({
      model: "openclaw",
      messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: `${images.url}/cat.png` } }] }],
    });
    const user = sentMessages().at(-1);
    expect(user.content).toEqual([
      { type: "text", text: "what is this?" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BYTES.toString("base64")}` } },
    ]);
  });

  it("answers refusals and failures with a 400 naming the part", async () => {
    const ask = (url: string) =>
      client.chat.completions
        .create({ model: "openclaw", messages: [{ role: "user", content: [{ type: "text", text: "x" }, { type: "image_url", image_url: { url } }] }] })
        .then(
          () => expect.fail("expected a 400"),
          (e: unknown) => e as APIError,
        );
    const before = h.fake.requestCount;
    const missing = await ask(`${images.url}/nope.png`);
    expect(missing).toBeInstanceOf(BadRequestError);
    expect(missing).toMatchObject({ code: "url_fetch_failed", param: "messages[0].content[1].image_url" });
    expect(missing.message).toContain("fetch failed: HTTP 404");
    expect(await ask(`${images.url}/cat.txt`)).toMatchObject({ code: "unsupported_image_type" });
    // Not listed: refused before anything is fetched, and so is a redirect that leads there.
    const catHits = images.hits.get("/cat.png");
    const unlisted = await ask(`http://localhost:${images.port}/cat.png`);
    expect(unlisted).toMatchObject({ code: "url_host_not_allowed" });
    expect(unlisted.message).toContain("image URL host is not allowed: localhost");
    expect(await ask(`${images.url}/redirect?to=${encodeURIComponent(`http://localhost:${images.port}/cat.png`)}`)).toMatchObject({ code: "url_host_not_allowed" });
    expect(images.hits.get("/cat.png")).toBe(catHits);
    expect(await ask("file:///etc/passwd")).toMatchObject({ param: "messages[0].content[1].image_url" });
    expect(h.fake.requestCount).toBe(before);
  });

  it("stops fetching when the client goes away (not 10 s later)", async () => {
    const controller = new AbortController();
    const body = { model: "openclaw", messages: [{ role: "user", content: [{ type: "text", text: "x" }, { type: "image_url", image_url: { url: `${images.url}/hang` } }] }] };
    const sent = post(body, {}, controller.signal).catch(() => undefined);
    await until(() => (images.hits.get("/hang") ?? 0) > 0);
    const closedBefore = images.hangsClosed;
    controller.abort();
    await sent;
    await until(() => images.hangsClosed > closedBefore, 2000);
  });
});

describe("client tools", () => {
  const tools = [{ type: "function" as const, function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } } }];

  it("ends with tool_calls, then continues with the tool result", async () => {
    h.fake.script({ toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Oslo" } }] });
    const first = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "weather in Oslo?" }], tools });
    expect(lastModelRequest().body.tools.map((t: any) => t.function.name)).toContain("get_weather");
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(first.choices[0]!.message.content).toBeNull();
    expect(first.choices[0]!.message.tool_calls).toEqual([{ id: "call_w1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }]);

    h.fake.script({ text: "It is 12C in Oslo." });
    const second = await client.chat.completions.create({
      model: "openclaw",
      tools,
      messages: [{ role: "user", content: "weather in Oslo?" }, first.choices[0]!.message, { role: "tool", tool_call_id: "call_w1", content: "12C" }],
    });
    expect(second.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: "It is 12C in Oslo." } });
    expect(sentMessages().at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_w1", content: "12C" });
  });

  it("tool_choice reaches the model on its first call only, so the agent's tool loop can end", async () => {
    // The model must call a tool; it calls the agent's own `ls`, then answers without tools forced.
    h.fake.script({ toolCalls: [{ id: "call_ls", name: "ls", arguments: { path: "." } }] }, { text: "Listed." });
    const r = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "list" }], tools, tool_choice: "required" });
    expect(r.choices[0]!.message.content).toBe("Listed.");
    const [first, second] = h.fake.requests.filter((q) => q.api === "chat").slice(-2);
    expect(first!.body.tool_choice).toBe("required");
    expect(second!.body).not.toHaveProperty("tool_choice");

    h.fake.script({ toolCalls: [{ id: "call_w9", name: "get_weather", arguments: { city: "Bern" } }] });
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "weather?" }], tools, tool_choice: { type: "function", function: { name: "get_weather" } } });
    expect(lastModelRequest().body.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    // The legacy function_call field means the same.
    h.fake.script({ toolCalls: [{ id: "call_w10", name: "get_weather", arguments: { city: "Bern" } }] });
    await post({ model: "openclaw", messages: [{ role: "user", content: "weather?" }], functions: [tools[0]!.function], function_call: { name: "get_weather" } });
    expect(lastModelRequest().body.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    const bad = await post({ model: "openclaw", messages: [{ role: "user", content: "x" }], tools, tool_choice: "always" });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.param).toBe("tool_choice");
  });

  it("streams tool calls as delta.tool_calls", async () => {
    h.fake.script({ toolCalls: [{ id: "call_w2", name: "get_weather", arguments: { city: "Rome" } }] });
    const stream = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "weather in Rome?" }], tools, stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([{ index: 0, id: "call_w2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("tool_choice none hides the client's tools", async () => {
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }], tools, tool_choice: "none" });
    expect((lastModelRequest().body.tools ?? []).map((t: any) => t.function.name)).not.toContain("get_weather");
  });
});

describe("failures", () => {
  it("a provider failing every request is a 502 (non-stream) and an error event (stream)", async () => {
    h.fake.setBehavior({ status: 500, retryAfter: 0 });
    const err = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).code).toBe("upstream_error");
    expect((err as APIError).message).toContain("HTTP 500");
    expect((err as APIError).headers?.get("x-should-retry")).toBe("false");

    const stream = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }], stream: true });
    const seen: unknown[] = [];
    const streamErr = await (async () => {
      for await (const c of stream) seen.push(c);
    })().catch((e: unknown) => e);
    expect(streamErr).toBeInstanceOf(APIError);
    expect((streamErr as APIError).message).toContain("HTTP 500");
    expect(seen).toHaveLength(1); // the role chunk, never a finish chunk

    const raw = await (await post({ model: "openclaw", stream: true, messages: [{ role: "user", content: "hi" }] })).text();
    const frames = raw.split("\n\n").filter(Boolean);
    expect(frames.at(-1)).toBe("data: [DONE]");
    expect(JSON.parse(frames.at(-2)!.slice(6)).error).toMatchObject({ type: "server_error", code: "upstream_error" });
    expect(raw).not.toContain('"finish_reason":"stop"');
  });

  it("a rate-limited provider is a RateLimitError with Retry-After", async () => {
    h.fake.setBehavior({ status: 429, retryAfter: 0 });
    const err = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as APIError).code).toBe("rate_limit_exceeded");
    expect((err as APIError).headers?.get("retry-after")).toBe("5");
  });

  it("a provider rejecting the gateway's key is a 502, not the client's 401", async () => {
    h.fake.setBehavior({ status: 401 });
    const err = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).code).toBe("upstream_auth_error");
  });

  it("a client that disconnects mid-stream aborts its run", async () => {
    h.fake.script({ text: "a b c d e f g h", deltas: 8, delayMs: 200 });
    const res = await post({ model: "openclaw", stream: true, messages: [{ role: "user", content: "slow" }] });
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes('"content":"a')) text += new TextDecoder().decode((await reader.read()).value);
    const upstream = lastModelRequest();
    await reader.cancel();
    await upstream.closed;
    expect(upstream.clientClosed).toBe(true);
    await until(() => h.gw.gateway.agents.engine.activeCount === 0);
  });
});

describe("sessions", () => {
  it("self-contained requests (title/tag side requests) store nothing", async () => {
    const before = (await h.gw.gateway.agents.sessions.list()).length;
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "Generate a title" }] });
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "Generate tags" }], user: "someone" });
    expect((await h.gw.gateway.agents.sessions.list()).length).toBe(before);
  });

  it("x-openclaw-session-key keeps history across requests without doubling it", async () => {
    const headers = { "x-openclaw-session-key": "conv-e2e-1" };
    h.fake.script({ text: "Nice to meet you, Ann." });
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "My name is Ann." }] }, { headers });
    await client.chat.completions.create(
      { model: "openclaw", messages: [{ role: "user", content: "My name is Ann." }, { role: "assistant", content: "Nice to meet you, Ann." }, { role: "user", content: "What is my name?" }] },
      { headers },
    );
    expect(sentMessages().map((m) => [m.role, textOf(m)])).toEqual([
      ["user", "My name is Ann."],
      ["assistant", "Nice to meet you, Ann."],
      ["user", "What is my name?"],
    ]);
    const stored = (await h.gw.gateway.agents.sessions.list()).find((s) => s.key === "agent:main:conv-e2e-1");
    expect(stored?.channel).toBe("webchat"); // no x-openclaw-message-channel: the reference's default

    // Self-contained: the provider sees exactly what the client sent, nothing stored in between.
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "What is my name?" }] });
    expect(sentMessages()).toHaveLength(1);
  });

  it("x-openclaw-message-channel is recorded as the stored session's channel", async () => {
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }, { headers: { "x-openclaw-session-key": "conv-e2e-channel", "x-openclaw-message-channel": "home-assistant" } });
    const stored = (await h.gw.gateway.agents.sessions.list()).find((s) => s.key === "agent:main:conv-e2e-channel");
    expect(stored?.channel).toBe("home-assistant");
  });

  it("a stored session continues after a client tool call with the results as the new turn", async () => {
    const headers = { "x-openclaw-session-key": "conv-e2e-tools" };
    const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object", properties: {} } } }];
    h.fake.script({ toolCalls: [{ id: "call_l1", name: "lookup", arguments: {} }] }, { text: "Found it." });
    const first = await client.chat.completions.create({ model: "openclaw", tools, messages: [{ role: "user", content: "look it up" }] }, { headers });
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    const second = await client.chat.completions.create(
      { model: "openclaw", tools, messages: [{ role: "user", content: "look it up" }, first.choices[0]!.message, { role: "tool", tool_call_id: "call_l1", content: "42" }] },
      { headers },
    );
    expect(second.choices[0]!.message.content).toBe("Found it.");
    const sent = sentMessages();
    expect(sent.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user"]);
    expect(textOf(sent[0])).toBe("look it up");
    // The stored call has no stored result (the engine takes one user turn), so the replay closes
    // it with its placeholder and the results follow as the new user turn.
    expect(textOf(sent[2])).toContain("No result was recorded");
    expect(textOf(sent[3])).toBe("Results of your tool calls:\n\n[lookup call_l1]\n42");
  });
});

describe("CORS", () => {
  it("answers an allowed preflight before auth and tags responses", async () => {
    const pre = await fetch(`${base}/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, x-stainless-os" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
    expect(pre.headers.get("access-control-allow-headers")).toContain("x-stainless-os");
    expect(pre.headers.get("access-control-max-age")).toBe("600");

    const res = await fetch(`${base}/models`, { headers: { origin: ORIGIN, authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("access-control-expose-headers")).toContain("x-request-id");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("gives other origins no CORS headers", async () => {
    const res = await fetch(`${base}/models`, { headers: { origin: "https://evil.example", authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const pre = await fetch(`${base}/models`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
  });
});
