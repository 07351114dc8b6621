// /v1/responses through the official openai SDK (and raw fetch where the bytes matter), against
// a gateway whose agent talks to the fake provider; includes continuing after a real restart.
import fs from "node:fs";
import OpenAI, { APIError, BadRequestError, NotFoundError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../src/gateway/gateway.js";
import { responsesStage } from "../src/gateway/http/openai/responses.js";
import { createLogger } from "../src/logging/logger.js";
import { agentConfig, startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { startGateway } from "./helpers/in-process.js";
import { startStaticServer, type StaticServer } from "./helpers/static-server.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";

const httpStages = [responsesStage];

let h: AgentHarness;
let client: OpenAI;
let files: StaticServer;

// URLs are allowed by default here; 127.0.0.1 is reachable only because it is listed.
function enabledConfig(url: string, ws: string) {
  const c = agentConfig(url, ws) as Record<string, any>;
  c.gateway.http = { endpoints: { responses: { enabled: true, images: { urlAllowlist: ["127.0.0.1"] }, files: { urlAllowlist: ["127.0.0.1"] } } } };
  return c;
}

const PNG_BYTES = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(24, 1)]);

beforeAll(async () => {
  files = await startStaticServer({
    "/cat.png": { body: PNG_BYTES, type: "image/png" },
    "/notes.md": { body: "# Notes\nThe launch code is 1234.", type: "text/markdown; charset=utf-8" },
    "/paper.pdf": { body: "%PDF-1.7 ...", type: "application/pdf" },
  });
  h = await startAgentHarness({ gateway: { httpStages }, stateConfig: enabledConfig });
  client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${h.gw.httpUrl}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await h.stop();
  await files.close();
});
afterEach(() => {
  h.fake.setBehavior({});
});

const modelRequests = () => h.fake.requests.filter((r) => r.api === "chat");
const lastModelRequest = () => modelRequests().at(-1)!;
const textOf = (m: any): string => (typeof m.content === "string" ? m.content : (m.content ?? []).map((p: any) => p.text ?? "").join(""));
/** The conversation the model saw, system prompt left out, as `role: text` lines. */
const conversation = (req = lastModelRequest()) =>
  (req.body.messages as any[]).filter((m) => m.role !== "system").map((m) => `${m.role}: ${textOf(m)}`);

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function collect(stream: AsyncIterable<any>): Promise<any[]> {
  const events: any[] = [];
  for await (const ev of stream) events.push(ev);
  return events;
}

describe("POST /v1/responses", () => {
  it("answers a plain request with output_text, usage and the request's model", async () => {
    h.fake.script({ text: "Hi there!", usage: { input: 7, output: 3 } });
    const r = await client.responses.create({ model: "openclaw", input: "hello" });
    expect(r.id).toMatch(/^resp_[0-9a-f-]{36}$/);
    expect(r).toMatchObject({ object: "response", status: "completed", model: "openclaw", error: null, incomplete_details: null });
    expect(r.output_text).toBe("Hi there!");
    expect(r.output[0]).toMatchObject({ type: "message", id: expect.stringMatching(/^msg_/), status: "completed", role: "assistant" });
    expect(r.usage).toEqual({ input_tokens: 7, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10 });
    expect(conversation()).toEqual(["user: hello"]);
    // A non-stream answer is asked of the model whole.
    expect(lastModelRequest().body.stream).not.toBe(true);
  });

  it("sends instructions and system items to the system prompt; says so when the model is silent", async () => {
    h.fake.script({ text: "" });
    const r = await client.responses.create({
      model: "openclaw/main",
      instructions: "Answer like a pirate.",
      input: [{ role: "developer", content: "Keep it short." }, { role: "user", content: "hi" }],
    });
    expect(r.output_text).toBe("No response from OpenClaw.");
    const system = (lastModelRequest().body.messages as any[]).find((m) => m.role === "system");
    expect(textOf(system)).toContain("Answer like a pirate.");
    expect(textOf(system)).toContain("Keep it short.");
  });

  it("streams the events in order with increasing sequence numbers, completed last", async () => {
    h.fake.script({ text: "one two three four", deltas: 4 });
    const events = await collect(await client.responses.create({ model: "openclaw", input: "count", stream: true }));
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...types.filter((t) => t === "response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(types.filter((t) => t === "response.output_text.delta").length).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
    expect(deltas).toBe("one two three four");
    expect(events.find((e) => e.type === "response.output_text.done").text).toBe("one two three four");
    expect(events[0].response).toMatchObject({ status: "in_progress", output: [] });
    const done = events.at(-1).response;
    expect(done.status).toBe("completed");
    expect(done.output[0].content[0].text).toBe("one two three four");
    expect(done.output[0].id).toBe(events[2].item.id);
  });

  it("works with the SDK's responses.stream helper", async () => {
    h.fake.script({ text: "streamed reply" });
    const stream = client.responses.stream({ model: "openclaw", input: "hi" });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("streamed reply");
  });

  it("frames SSE as `event:` line, `data:` line, blank line, then data: [DONE]", async () => {
    h.fake.script({ text: "framed" });
    const res = await fetch(`${h.gw.httpUrl}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openclaw", input: "x", stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const text = await res.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const blocks = text.slice(0, -"data: [DONE]\n\n".length).split("\n\n").filter(Boolean);
    for (const block of blocks) {
      const m = /^event: (\S+)\ndata: (.+)$/.exec(block);
      expect(m, block).not.toBeNull();
      expect(JSON.parse(m![2]!).type).toBe(m![1]);
    }
    expect(blocks[0]!.startsWith("event: response.created\n")).toBe(true);
  });
});

describe("previous_response_id", () => {
  it("continues the stored conversation", async () => {
    h.fake.script({ text: "Nice to meet you, Ada." }, { text: "Your name is Ada." });
    const first = await client.responses.create({ model: "openclaw", input: "My name is Ada." });
    const second = await client.responses.create({ model: "openclaw", input: "What is my name?", previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    expect(conversation()).toEqual(["user: My name is Ada.", "assistant: Nice to meet you, Ada.", "user: What is my name?"]);
  });

  it("branches from an older response without the later turns", async () => {
    const r1 = await client.responses.create({ model: "openclaw", input: "root" });
    await client.responses.create({ model: "openclaw", input: "branch A", previous_response_id: r1.id });
    const r3 = await client.responses.create({ model: "openclaw", input: "branch B", previous_response_id: r1.id });
    expect(conversation()).toEqual(["user: root", "assistant: Hello from fake.", "user: branch B"]);
    await client.responses.create({ model: "openclaw", input: "B again", previous_response_id: r3.id });
    expect(conversation()).toEqual(["user: root", "assistant: Hello from fake.", "user: branch B", "assistant: Hello from fake.", "user: B again"]);
  });

  it("refuses an unknown id with a 400 naming the param", async () => {
    const err = await client.responses.create({ model: "openclaw", input: "x", previous_response_id: "resp_nope" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).message).toContain("previous_response_id not found");
    expect((err as BadRequestError).param).toBe("previous_response_id");
  });

  it("continues only for the same user (spec 4.8)", async () => {
    const first = await client.responses.create({ model: "openclaw", input: "hello", user: "ann" });
    const other = await client.responses.create({ model: "openclaw", input: "again", user: "bob", previous_response_id: first.id }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(BadRequestError);
    expect((other as BadRequestError).code).toBe("previous_response_mismatch");
    const none = await client.responses.create({ model: "openclaw", input: "again", previous_response_id: first.id }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(BadRequestError);
    const same = await client.responses.create({ model: "openclaw", input: "again", user: "ann", previous_response_id: first.id });
    expect(same.status).toBe("completed");
  });

  it("deletes a stateless conversation with the last stored response that points into it", async () => {
    const own = await startAgentHarness({ fake: h.fake, gateway: { httpStages: [(gw) => responsesStage(gw, { storedResponses: 2 })] }, stateConfig: enabledConfig });
    try {
      const c = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${own.gw.httpUrl}/v1`, maxRetries: 0 });
      const sessions = own.gw.gateway.agents.sessions;
      const keys = async () => (await sessions.list()).map((s) => s.key).filter((k) => k.includes(":openresponses:"));
      const a1 = await c.responses.create({ model: "openclaw", input: "one" });
      await c.responses.create({ model: "openclaw", input: "two", previous_response_id: a1.id });
      const [convA] = await keys();
      const file = sessions.transcriptPath("main", (await sessions.get("main", convA!))!);
      // A third response pushes a1 out, but the follow-up still points into conversation A.
      await c.responses.create({ model: "openclaw", input: "three" });
      expect(await keys()).toContain(convA);
      // A fourth pushes the follow-up out too: A is gone, transcript and all.
      await c.responses.create({ model: "openclaw", input: "four" });
      // The index entry goes first, the transcript file once the index is saved.
      await until(async () => !(await keys()).includes(convA!) && !fs.existsSync(file));
      expect(await keys()).toHaveLength(2);
    } finally {
      await own.stop();
    }
  });

  it("survives a gateway restart on the same state dir", async () => {
    // Its own gateway (sharing the fake provider): stopped, then a new one on the same state.
    const own = await startAgentHarness({ fake: h.fake, gateway: { httpStages }, stateConfig: enabledConfig });
    let next: Gateway | undefined;
    const logger = createLogger({ dir: own.gw.state.logDir, console: false });
    try {
      const before = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${own.gw.httpUrl}/v1`, maxRetries: 0 });
      h.fake.script({ text: "Noted: blue." });
      const first = await before.responses.create({ model: "openclaw", input: "My favourite colour is blue." });
      await own.gw.gateway.stop();
      const { configPath, stateDir, env } = own.gw.state;
      next = createGateway({ configPath, stateDir, env, cli: { port: 0 }, lock: false, httpStages, logger });
      await next.start();
      const after = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `http://127.0.0.1:${next.port}/v1`, maxRetries: 0 });
      h.fake.script({ text: "Blue." });
      const r = await after.responses.create({ model: "openclaw", input: "Which colour?", previous_response_id: first.id });
      expect(r.output_text).toBe("Blue.");
      expect(conversation()).toEqual(["user: My favourite colour is blue.", "assistant: Noted: blue.", "user: Which colour?"]);
    } finally {
      await next?.stop();
      await logger.close();
      await own.stop();
    }
  });
});

describe("sessions and disconnects", () => {
  it("an explicit session key keeps one conversation across requests", async () => {
    const key = `http-${Date.now()}`;
    const headers = { "x-openclaw-session-key": key, "x-openclaw-message-channel": "shortcuts" };
    h.fake.script({ text: "Stored." }, { text: "Still here." });
    await client.responses.create({ model: "openclaw", input: "remember 42" }, { headers });
    await client.responses.create({ model: "openclaw", input: "what number?" }, { headers });
    expect(conversation()).toEqual(["user: remember 42", "assistant: Stored.", "user: what number?"]);
    const stored = (await h.gw.gateway.agents.sessions.list()).find((s) => s.key === `agent:main:${key}`);
    expect(stored?.channel).toBe("shortcuts");
  });

  it("a client that goes away mid-stream aborts the run", async () => {
    h.fake.script({ text: "a slow answer in many pieces", deltas: 20, delayMs: 100 });
    const controller = new AbortController();
    const res = await fetch(`${h.gw.httpUrl}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openclaw", input: "go", stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let seen = "";
    while (!seen.includes("response.output_text.delta")) seen += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const upstream = lastModelRequest();
    await upstream.closed;
    expect(upstream.clientClosed).toBe(true);
  });
});

describe("function tools", () => {
  const tools = [{ type: "function" as const, name: "get_weather", description: "Weather for a city", strict: false, parameters: { type: "object", properties: { city: { type: "string" } } } }];

  it("hands the call to the caller, then continues with function_call_output", async () => {
    h.fake.script({ toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }] }, { text: "It is sunny in Paris." });
    const first = await client.responses.create({ model: "openclaw", input: "Weather in Paris?", tools });
    expect(first.status).toBe("completed");
    const call = first.output.find((o) => o.type === "function_call")!;
    expect(call).toMatchObject({ type: "function_call", id: expect.stringMatching(/^fc_/), call_id: "call_w1", name: "get_weather", status: "completed" });
    expect(JSON.parse((call as any).arguments)).toEqual({ city: "Paris" });
    expect((lastModelRequest().body.tools as any[]).map((t) => t.function.name)).toContain("get_weather");

    const second = await client.responses.create({
      model: "openclaw",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: "call_w1", output: '{"sky":"sunny"}' }],
      tools,
    });
    expect(second.output_text).toBe("It is sunny in Paris.");
    const sent = lastModelRequest().body.messages as any[];
    const assistant = sent.find((m) => m.role === "assistant");
    expect(assistant.tool_calls[0]).toMatchObject({ id: "call_w1", function: { name: "get_weather" } });
    expect(sent.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_w1", content: '{"sky":"sunny"}' });
  });

  it("passes tool_choice to the model on its first call: required, or a named function", async () => {
    h.fake.script({ toolCalls: [{ id: "call_q1", name: "get_weather", arguments: { city: "Rome" } }] });
    await client.responses.create({ model: "openclaw", input: "Rome?", tools, tool_choice: "required" });
    expect(lastModelRequest().body.tool_choice).toBe("required");
    h.fake.script({ toolCalls: [{ id: "call_q2", name: "get_weather", arguments: { city: "Rome" } }] });
    await client.responses.create({ model: "openclaw", input: "Rome?", tools, tool_choice: { type: "function", name: "get_weather" } });
    expect(lastModelRequest().body.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    await client.responses.create({ model: "openclaw", input: "Rome?", tools, tool_choice: "auto" });
    expect(lastModelRequest().body).not.toHaveProperty("tool_choice");
    const unknown = await client.responses.create({ model: "openclaw", input: "x", tools, tool_choice: { type: "function", name: "nope" } }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(BadRequestError);
    expect((unknown as BadRequestError).param).toBe("tool_choice");
  });

  it("streams function_call items", async () => {
    h.fake.script({ toolCalls: [{ id: "call_s1", name: "get_weather", arguments: { city: "Oslo" } }] });
    const events = await collect(await client.responses.create({ model: "openclaw", input: "Oslo?", tools, stream: true }));
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.at(-1).response.output[0]).toMatchObject({ type: "function_call", call_id: "call_s1", name: "get_weather" });
  });

  it("accepts the whole exchange resent without a previous id", async () => {
    h.fake.script({ text: "Rainy." });
    const r = await client.responses.create({
      model: "openclaw",
      tools,
      input: [
        { role: "user", content: "Weather in Rome?" },
        { type: "function_call", call_id: "call_r1", name: "get_weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "call_r1", output: "rain" },
      ],
    });
    expect(r.output_text).toBe("Rainy.");
    expect((lastModelRequest().body.messages as any[]).at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_r1", content: "rain" });
  });
});

describe("images and files", () => {
  const systemText = () => textOf((lastModelRequest().body.messages as any[]).find((m) => m.role === "system"));

  it("fetches an input_image URL and hands the model the bytes inline", async () => {
    await client.responses.create({
      model: "openclaw",
      input: [{ role: "user", content: [{ type: "input_text", text: "what is this?" }, { type: "input_image", image_url: `${files.url}/cat.png`, detail: "auto" }] }],
    });
    const user = (lastModelRequest().body.messages as any[]).at(-1);
    expect(user.content).toContainEqual({ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BYTES.toString("base64")}` } });
  });

  it("puts input_file text in the system prompt inside untrusted-content markers, not in the turn", async () => {
    await client.responses.create({
      model: "openclaw",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "summarise both" },
            { type: "input_file", file_url: `${files.url}/notes.md` },
            { type: "input_file", filename: "todo.txt", file_data: `data:text/plain;base64,${Buffer.from("buy milk").toString("base64")}` },
          ],
        },
      ],
    });
    const system = systemText();
    expect(system).toMatch(/<file name="notes\.md" mime="text\/markdown">\n<<<EXTERNAL_UNTRUSTED_CONTENT id="([0-9a-f]{16})">>>\nSource: External\n---\n# Notes\nThe launch code is 1234\.\n<<<END_EXTERNAL_UNTRUSTED_CONTENT id="\1">>>\n<\/file>/);
    expect(system).toContain("buy milk");
    expect(conversation()).toEqual(["user: summarise both"]);
  });

  it("refuses with a 400 naming the part: PDFs, unlisted hosts, missing files", async () => {
    const ask = (part: Record<string, unknown>) =>
      client.responses.create({ model: "openclaw", input: [{ role: "user", content: [{ type: "input_text", text: "x" }, part as any] }] }).then(
        () => expect.fail("expected a 400"),
        (e: unknown) => e as APIError,
      );
    const before = h.fake.requestCount;
    const pdf = await ask({ type: "input_file", file_url: `${files.url}/paper.pdf` });
    expect(pdf).toBeInstanceOf(BadRequestError);
    expect(pdf).toMatchObject({ code: "pdf_not_supported", param: "input[0].content[1].file_url" });
    expect(pdf.message).toContain("PDF files are not supported yet");
    expect(await ask({ type: "input_image", image_url: `http://localhost:${files.port}/cat.png`, detail: "auto" })).toMatchObject({ code: "url_host_not_allowed" });
    expect(await ask({ type: "input_file", file_url: `${files.url}/redirect?to=${encodeURIComponent(`http://localhost:${files.port}/notes.md`)}` })).toMatchObject({ code: "url_host_not_allowed" });
    const missing = await ask({ type: "input_file", file_url: `${files.url}/gone.txt` });
    expect(missing).toMatchObject({ code: "url_fetch_failed" });
    expect(missing.message).toContain("fetch failed: HTTP 404");
    expect(h.fake.requestCount).toBe(before);
  });
});

describe("failures", () => {
  it("an upstream 500 is a 502 with the cause, not a completed 200", async () => {
    h.fake.setBehavior({ status: 500, errorMessage: "upstream exploded" });
    const err = await client.responses.create({ model: "openclaw", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).message).toContain("upstream exploded");
    expect((err as APIError).headers?.get("x-should-retry")).toBe("false");
  });

  it("a failed stream ends with response.failed and never response.completed", async () => {
    h.fake.setBehavior({ status: 500, errorMessage: "upstream exploded" });
    const events = await collect(await client.responses.create({ model: "openclaw", input: "x", stream: true }));
    const types = events.map((e) => e.type);
    expect(types.at(-1)).toBe("response.failed");
    expect(types).not.toContain("response.completed");
    expect(events.at(-1).response).toMatchObject({ status: "failed", error: { message: expect.stringContaining("upstream exploded") } });
  });

  it("validates the request", async () => {
    const err = await client.responses.create({ model: "nope nope", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    const res = await fetch(`${h.gw.httpUrl}/v1/responses`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    const unauth = await fetch(`${h.gw.httpUrl}/v1/responses`, { method: "POST", body: "{}" });
    expect(unauth.status).toBe(401);
  });
});

describe("disabled endpoint", () => {
  it("is a 404 naming the flag to set", async () => {
    const gw = await startGateway(localConfig(), { httpStages });
    try {
      const off = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gw.httpUrl}/v1`, maxRetries: 0 });
      const err = await off.responses.create({ model: "openclaw", input: "x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).code).toBe("endpoint_disabled");
      expect((err as NotFoundError).message).toContain("gateway.http.endpoints.responses.enabled");
    } finally {
      await gw.stop();
    }
  });
});
