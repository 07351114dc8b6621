import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHttpTransport, type HttpTransport } from "./http-transport.js";

let server: http.Server;
let base: string;
let connections = 0;
let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let transport: HttpTransport;

function sse(res: http.ServerResponse, chunks: string[], opts: { hangAfter?: boolean } = {}) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const text of chunks) {
    res.write(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`);
  }
  if (!opts.hangAfter) res.end("data: [DONE]\n\n");
}

beforeEach(async () => {
  connections = 0;
  seen = [];
  server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === "/v1/chat/completions") {
        const parsed = JSON.parse(body) as { stream?: boolean; messages: { content: string }[] };
        const word = parsed.messages[0]!.content;
        if (word === "hang") return sse(res, ["partial"], { hangAfter: true });
        if (word === "unauthorized") {
          res.writeHead(401, { "content-type": "application/json" });
          return res.end(JSON.stringify({ error: { message: "bad key", type: "invalid_request_error", code: "invalid_api_key" } }));
        }
        if (!parsed.stream) {
          const json = JSON.stringify({ id: "c1", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: `echo ${word}` }, finish_reason: "stop" }] });
          if (word === "gzip") {
            res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "x-request-id": "req_gz" });
            return res.end(zlib.gzipSync(json));
          }
          res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_1", "set-cookie": ["a=1", "b=2"] });
          return res.end(json);
        }
        return sse(res, ["one ", "two ", word]);
      }
      res.writeHead(404).end();
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  transport = createHttpTransport();
});

afterEach(async () => {
  transport.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = (opts: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ baseURL: `${base}/v1`, apiKey: "sk-test", maxRetries: 0, fetch: transport.fetch, ...opts });

describe("http transport under the OpenAI SDK", () => {
  it("streams a chat completion and reuses one keep-alive socket", async () => {
    const c = client();
    for (let i = 0; i < 3; i++) {
      const stream = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: `w${i}` }], stream: true });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe(`one two w${i}`);
    }
    expect(connections).toBe(1);
    expect(seen[0]!.headers.authorization).toBe("Bearer sk-test");
    expect(seen[0]!.headers["content-type"]).toBe("application/json");
    expect(Number(seen[0]!.headers["content-length"])).toBe(Buffer.byteLength(seen[0]!.body));
  });

  it("returns non-stream JSON with its headers, and decodes a gzip body", async () => {
    const c = client();
    const { data, response } = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "plain" }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe("echo plain");
    expect(response.headers.get("X-Request-Id")).toBe("req_1");
    expect(response.headers.get("set-cookie")).toBe("a=1, b=2");
    const gz = await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "gzip" }] });
    expect(gz.choices[0]!.message.content).toBe("echo gzip");
  });

  it("turns an error status into the SDK's typed error with the server's message", async () => {
    const err = await client()
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "unauthorized" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).toContain("bad key");
  });

  it("ends a stream quietly when the caller aborts mid-body, and frees the request", async () => {
    const controller = new AbortController();
    const stream = await client().chat.completions.create({ model: "m", messages: [{ role: "user", content: "hang" }], stream: true }, { signal: controller.signal });
    const got: string[] = [];
    for await (const chunk of stream) {
      got.push(chunk.choices[0]?.delta.content ?? "");
      controller.abort();
    }
    expect(got).toEqual(["partial"]);
    // The server sees the socket go away: the hanging response cannot hold the connection.
    await new Promise<void>((resolve) => {
      const check = () => server.getConnections((_, n) => (n === 0 ? resolve() : setTimeout(check, 10)));
      check();
    });
  });

  it("refuses an already aborted signal without sending anything", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(transport.fetch(`${base}/v1/chat/completions`, { method: "POST", body: "{}", signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toHaveLength(0);
  });

  it("reports a refused connection as fetch does: a TypeError with the system error as cause", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await transport.fetch(`http://127.0.0.1:${port}/v1/models`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    const sdkErr = await new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "k", maxRetries: 0, fetch: transport.fetch }).models.list().catch((e: unknown) => e);
    expect(sdkErr).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it("reads a body once, like fetch", async () => {
    const res = await transport.fetch(`${base}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ messages: [{ content: "x" }] }) });
    expect(res.ok).toBe(true);
    expect(await res.json()).toMatchObject({ object: "chat.completion" });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(/already been read/);
  });

  it("hands bodies it does not carry (streams, forms) to the fallback fetch", async () => {
    const calls: string[] = [];
    const t = createHttpTransport({
      fallback: async (input) => {
        calls.push(String(input));
        return new Response("from fallback");
      },
    });
    const form = new FormData();
    form.set("a", "b");
    const res = await t.fetch(`${base}/upload`, { method: "POST", body: form });
    expect(await res.text()).toBe("from fallback");
    expect(calls).toEqual([`${base}/upload`]);
    expect(seen).toHaveLength(0);
    t.close();
  });
});
