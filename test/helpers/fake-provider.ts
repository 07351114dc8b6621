// A fake model provider on 127.0.0.1 for tests and benchmarks. It speaks OpenAI Chat Completions,
// OpenAI Responses and Anthropic Messages (SSE and plain JSON), and is scriptable per request:
// text in N deltas, streamed tool calls, errors for the first K requests, hangs, drops, echo.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

export type ApiKind = "chat" | "responses" | "messages";

export interface FakeToolCall {
  id?: string;
  name: string;
  /** A JSON string (may be deliberately invalid) or an object to serialise. */
  arguments: string | Record<string, unknown>;
  /** Argument fragments streamed (default 3). */
  fragments?: number;
}

/** One reply. Text defaults to "Hello from fake." unless tool calls are given. */
export interface FakeReply {
  text?: string;
  /** Text deltas (default 3). */
  deltas?: number;
  /** Pause before each delta or argument fragment (a non-stream answer waits as long as its text deltas would). */
  delayMs?: number;
  toolCalls?: FakeToolCall[];
  usage?: { input: number; output: number };
  stopReason?: "stop" | "length" | "tool_calls" | "content_filter";
  /** Reply with the last user message's text. */
  echo?: boolean;
  /** Answer with this HTTP error status instead. */
  status?: number;
  retryAfter?: number | string;
  errorMessage?: string;
  /** Accept the request and never answer. */
  hang?: boolean;
  /** Send headers and this many deltas, then stall. */
  hangAfterDeltas?: number;
  /** Send headers and this many deltas, then destroy the socket. */
  dropAfterDeltas?: number;
}

/** The default reply plus failures for the first requests. */
export interface FakeBehavior extends FakeReply {
  /** The first `count` model requests (from now) fail with `status`. */
  failFirst?: { count: number; status: number; retryAfter?: number | string; message?: string };
}

export interface RecordedRequest {
  api: ApiKind | "models" | "tags" | "other";
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined for GET or unparseable bodies). */
  body: any;
  /** True once the client went away before the reply was complete. */
  clientClosed: boolean;
  /** Settles when the reply finished or the connection closed, whichever comes first. */
  closed: Promise<void>;
}

export interface FakeProviderOptions {
  behavior?: FakeBehavior;
  /** When set, requests must carry `Authorization: Bearer <key>` or `x-api-key: <key>`, else 401. */
  apiKey?: string;
  /** Ids served by `GET /v1/models` and `GET /api/tags` (default `["fake-model"]`). */
  models?: string[];
  /** Recorded requests kept, oldest dropped first (default 1000; benchmarks may set 0). */
  maxRecorded?: number;
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>`; OpenAI SDKs take `${url}/v1`, the Anthropic SDK takes `url`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Model requests served since start, recorded or not. */
  readonly requestCount: number;
  /** Replies for the next model requests, in order; afterwards the behaviour applies again. */
  script(...replies: FakeReply[]): void;
  /** Replaces the default behaviour (and restarts its `failFirst` count); clears the script. */
  setBehavior(behavior: FakeBehavior): void;
  close(): Promise<void>;
}

const ROUTES: Record<string, ApiKind> = { "/chat/completions": "chat", "/responses": "responses", "/messages": "messages" };

export async function startFakeProvider(opts: FakeProviderOptions = {}): Promise<FakeProvider> {
  let behavior: FakeBehavior = opts.behavior ?? {};
  let failuresLeft = behavior.failFirst?.count ?? 0;
  let queue: FakeReply[] = [];
  let served = 0;
  const maxRecorded = opts.maxRecorded ?? 1000;
  const models = opts.models ?? ["fake-model"];
  const requests: RecordedRequest[] = [];

  const nextReply = (): FakeReply => {
    if (failuresLeft > 0 && behavior.failFirst) {
      failuresLeft--;
      const f = behavior.failFirst;
      return { status: f.status, retryAfter: f.retryAfter, errorMessage: f.message };
    }
    return queue.shift() ?? behavior;
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/^\/v1(?=\/)/, "");
    const api: RecordedRequest["api"] =
      req.method === "POST" && ROUTES[path] ? ROUTES[path] : path === "/models" ? "models" : path === "/api/tags" ? "tags" : "other";
    let resolveClosed!: () => void;
    const record: RecordedRequest = {
      api,
      method: req.method ?? "GET",
      path: url.pathname,
      headers: req.headers,
      body: undefined,
      clientClosed: false,
      closed: new Promise((r) => (resolveClosed = r)),
    };
    res.on("close", () => {
      if (!res.writableFinished) record.clientClosed = true;
      resolveClosed();
    });
    if (maxRecorded > 0) {
      requests.push(record);
      if (requests.length > maxRecorded) requests.shift();
    }

    const raw = await readBody(req);
    if (raw.length) {
      try {
        record.body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { error: { message: "invalid JSON body", type: "invalid_request_error" } });
      }
    }
    if (opts.apiKey !== undefined && !hasKey(req, opts.apiKey)) {
      if (api === "chat" || api === "responses" || api === "messages") served++;
      return renderReply(api === "messages" ? "messages" : "chat", record.body, { status: 401, errorMessage: "invalid api key" }, res);
    }
    if (api === "models") {
      return sendJson(res, 200, { object: "list", data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "fake" })) });
    }
    if (api === "tags") return sendJson(res, 200, { models: models.map((name) => ({ name, model: name })) });
    if (api === "other") return sendJson(res, 404, { error: { message: `no route ${req.method} ${url.pathname}`, type: "not_found" } });
    served++;
    return renderReply(api, record.body, nextReply(), res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get requestCount() {
      return served;
    },
    script(...replies) {
      queue.push(...replies);
    },
    setBehavior(next) {
      behavior = next;
      failuresLeft = next.failFirst?.count ?? 0;
      queue = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function hasKey(req: http.IncomingMessage, key: string): boolean {
  return req.headers.authorization === `Bearer ${key}` || req.headers["x-api-key"] === key;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

// ---- replies -------------------------------------------------------------------------------

type Frame = { text: string; delta?: boolean };
type Stop = NonNullable<FakeReply["stopReason"]>;
interface Plan {
  text: string;
  pieces: string[];
  calls: { id: string; name: string; args: string; fragments: string[] }[];
  usage: { input: number; output: number };
  stop: Stop;
  model: string;
}

function renderReply(api: ApiKind, body: any, reply: FakeReply, res: http.ServerResponse): void {
  if (reply.status) return sendError(api, reply, res);
  if (reply.hang) return; // stays open until the client or close() ends it
  const p = plan(api, body, reply);
  if (!body?.stream) {
    const whole = api === "chat" ? chatFinal(p) : api === "responses" ? responsesFinal(p) : messagesFinal(p);
    // A slow model answering without streaming: silent for as long as its deltas would take.
    if (reply.delayMs) {
      const timer = setTimeout(() => res.destroyed || sendJson(res, 200, whole), reply.delayMs * p.pieces.length);
      res.once("close", () => clearTimeout(timer));
      return;
    }
    return sendJson(res, 200, whole);
  }
  const frames = api === "chat" ? chatFrames(p, body) : api === "responses" ? responsesFrames(p) : messagesFrames(p);
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  // The common case goes out in one write: the throughput benchmark leans on this path.
  if (!reply.delayMs && reply.hangAfterDeltas === undefined && reply.dropAfterDeltas === undefined) {
    res.end(frames.map((f) => f.text).join(""));
    return;
  }
  void writeSlowly(frames, reply, res);
}

async function writeSlowly(frames: Frame[], reply: FakeReply, res: http.ServerResponse): Promise<void> {
  let deltas = 0;
  for (const frame of frames) {
    if (res.destroyed) return;
    if (frame.delta) {
      if (deltas === reply.hangAfterDeltas) return;
      if (deltas === reply.dropAfterDeltas) {
        await sleep(20); // let the deltas already written reach the client first
        res.destroy();
        return;
      }
      if (reply.delayMs) await sleep(reply.delayMs);
      deltas++;
    }
    if (!res.destroyed) res.write(frame.text);
  }
  res.end();
}

function plan(api: ApiKind, body: any, reply: FakeReply): Plan {
  const calls = (reply.toolCalls ?? []).map((c, i) => {
    const args = typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments);
    return { id: c.id ?? `call_${i}_${shortId()}`, name: c.name, args, fragments: split(args, c.fragments ?? 3) };
  });
  const text = reply.echo ? lastUserText(api, body) : (reply.text ?? (calls.length ? "" : "Hello from fake."));
  const pieces = split(text, reply.deltas ?? 3);
  return {
    text,
    pieces,
    calls,
    usage: reply.usage ?? { input: 12, output: pieces.length + calls.length || 1 },
    stop: reply.stopReason ?? (calls.length ? "tool_calls" : "stop"),
    model: typeof body?.model === "string" ? body.model : "fake-model",
  };
}

// ---- OpenAI Chat Completions ----

function chatFrames(p: Plan, body: any): Frame[] {
  const base = { id: `chatcmpl-${shortId()}`, object: "chat.completion.chunk", created: nowSec(), model: p.model };
  const chunk = (delta: object, finish_reason: string | null = null): Frame => sse({ ...base, choices: [{ index: 0, delta, finish_reason }] });
  const frames = [chunk({ role: "assistant", content: "" })];
  for (const content of p.pieces) frames.push({ ...chunk({ content }), delta: true });
  p.calls.forEach((c, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }));
    for (const f of c.fragments) frames.push({ ...chunk({ tool_calls: [{ index, function: { arguments: f } }] }), delta: true });
  });
  frames.push(chunk({}, p.stop));
  if (body.stream_options?.include_usage) frames.push(sse({ ...base, choices: [], usage: chatUsage(p) }));
  frames.push({ text: "data: [DONE]\n\n" });
  return frames;
}

function chatFinal(p: Plan) {
  const tool_calls = p.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.args } }));
  const message = { role: "assistant", content: p.text || null, refusal: null, ...(tool_calls.length ? { tool_calls } : {}) };
  return {
    id: `chatcmpl-${shortId()}`, object: "chat.completion", created: nowSec(), model: p.model,
    choices: [{ index: 0, message, finish_reason: p.stop, logprobs: null }], usage: chatUsage(p),
  };
}

function chatUsage(p: Plan) {
  return { prompt_tokens: p.usage.input, completion_tokens: p.usage.output, total_tokens: p.usage.input + p.usage.output };
}

// ---- OpenAI Responses ----

function responsesFrames(p: Plan): Frame[] {
  let seq = 0;
  const ev = (type: string, data: object, delta = false): Frame => ({
    text: `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`,
    delta,
  });
  const { response, output } = responsesResource(p);
  const started = { ...response, status: "in_progress", output: [], usage: null, incomplete_details: null };
  const frames = [ev("response.created", { response: started }), ev("response.in_progress", { response: started })];
  output.forEach((item: any, output_index) => {
    const item_id = item.id;
    if (item.type === "message") {
      frames.push(ev("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } }));
      const part = { type: "output_text", text: "", annotations: [] };
      frames.push(ev("response.content_part.added", { item_id, output_index, content_index: 0, part }));
      for (const delta of p.pieces) frames.push(ev("response.output_text.delta", { item_id, output_index, content_index: 0, delta, logprobs: [] }, true));
      frames.push(ev("response.output_text.done", { item_id, output_index, content_index: 0, text: p.text, logprobs: [] }));
      frames.push(ev("response.content_part.done", { item_id, output_index, content_index: 0, part: { ...part, text: p.text } }));
    } else {
      frames.push(ev("response.output_item.added", { output_index, item: { ...item, arguments: "", status: "in_progress" } }));
      const call = p.calls.find((c) => c.id === item.call_id)!;
      for (const delta of call.fragments) frames.push(ev("response.function_call_arguments.delta", { item_id, output_index, delta }, true));
      frames.push(ev("response.function_call_arguments.done", { item_id, output_index, name: call.name, arguments: call.args }));
    }
    frames.push(ev("response.output_item.done", { output_index, item }));
  });
  frames.push(ev(response.status === "incomplete" ? "response.incomplete" : "response.completed", { response }));
  return frames;
}

function responsesResource(p: Plan) {
  const output: object[] = [];
  if (p.text) {
    output.push({ type: "message", id: `msg_${shortId()}`, status: "completed", role: "assistant", content: [{ type: "output_text", text: p.text, annotations: [] }] });
  }
  for (const c of p.calls) {
    output.push({ type: "function_call", id: `fc_${shortId()}`, call_id: c.id, name: c.name, arguments: c.args, status: "completed" });
  }
  const incomplete = p.stop === "length" || p.stop === "content_filter";
  const response = {
    id: `resp_${shortId()}`, object: "response", created_at: nowSec(), model: p.model, error: null,
    status: incomplete ? "incomplete" : "completed",
    incomplete_details: incomplete ? { reason: p.stop === "length" ? "max_output_tokens" : "content_filter" } : null,
    output,
    usage: {
      input_tokens: p.usage.input, input_tokens_details: { cached_tokens: 0 },
      output_tokens: p.usage.output, output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: p.usage.input + p.usage.output,
    },
  };
  return { response, output };
}

const responsesFinal = (p: Plan) => responsesResource(p).response;

// ---- Anthropic Messages ----

const ANTHROPIC_STOP: Record<Stop, string> = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "refusal" };

function messagesFrames(p: Plan): Frame[] {
  const ev = (type: string, data: object, delta = false): Frame => ({ text: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`, delta });
  const { content: _content, ...message } = messagesFinal(p);
  const start = { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } };
  const frames = [ev("message_start", { message: start }), ev("ping", {})];
  let index = 0;
  if (p.text) {
    frames.push(ev("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const text of p.pieces) frames.push(ev("content_block_delta", { index, delta: { type: "text_delta", text } }, true));
    frames.push(ev("content_block_stop", { index: index++ }));
  }
  for (const c of p.calls) {
    frames.push(ev("content_block_start", { index, content_block: { type: "tool_use", id: c.id, name: c.name, input: {} } }));
    for (const partial_json of c.fragments) frames.push(ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } }, true));
    frames.push(ev("content_block_stop", { index: index++ }));
  }
  frames.push(ev("message_delta", { delta: { stop_reason: ANTHROPIC_STOP[p.stop], stop_sequence: null }, usage: { output_tokens: p.usage.output } }));
  frames.push(ev("message_stop", {}));
  return frames;
}

function messagesFinal(p: Plan) {
  const content: object[] = p.text ? [{ type: "text", text: p.text }] : [];
  for (const c of p.calls) content.push({ type: "tool_use", id: c.id, name: c.name, input: safeJson(c.args) });
  return {
    id: `msg_${shortId()}`, type: "message", role: "assistant", model: p.model, content,
    stop_reason: ANTHROPIC_STOP[p.stop], stop_sequence: null,
    usage: { input_tokens: p.usage.input, output_tokens: p.usage.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

// ---- errors and small helpers ----

function sendError(api: ApiKind, reply: FakeReply, res: http.ServerResponse): void {
  const status = reply.status!;
  const message = reply.errorMessage ?? `fake error ${status}`;
  const anthropicType = status === 401 ? "authentication_error" : status === 429 ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error";
  const openaiType = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  const body = api === "messages" ? { type: "error", error: { type: anthropicType, message } } : { error: { message, type: openaiType, param: null, code: null } };
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) };
  if (reply.retryAfter !== undefined) headers["retry-after"] = String(reply.retryAfter);
  res.writeHead(status, headers).end(text);
}

function lastUserText(api: ApiKind, body: any): string {
  const items: any[] =
    api === "responses" ? (typeof body?.input === "string" ? [{ role: "user", content: body.input }] : (body?.input ?? [])) : (body?.messages ?? []);
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i];
    if (m?.role !== "user") continue;
    const text = typeof m.content === "string" ? m.content : (m.content ?? []).map((b: any) => (typeof b?.text === "string" ? b.text : "")).join("");
    if (text) return text; // an Anthropic user turn holding only tool results is skipped
  }
  return "";
}

/** `s` in exactly min(n, length) non-empty pieces. */
function split(s: string, n: number): string[] {
  const chars = Array.from(s);
  const k = Math.max(1, Math.min(n, chars.length));
  if (chars.length === 0) return [];
  return Array.from({ length: k }, (_, i) => chars.slice(Math.floor((i * chars.length) / k), Math.floor(((i + 1) * chars.length) / k)).join(""));
}

const sse = (data: object): Frame => ({ text: `data: ${JSON.stringify(data)}\n\n` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowSec = () => Math.floor(Date.now() / 1000);
const shortId = () => randomUUID().replace(/-/g, "").slice(0, 16);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
