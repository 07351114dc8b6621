// /v1/embeddings through the official openai SDK, against a small fake OpenAI embeddings server
// on loopback standing in for the configured embedding provider.
import http from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI, { APIError, BadRequestError, NotFoundError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { embeddingsStage } from "../src/gateway/http/openai/embeddings.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";

interface FakeEmbeddings {
  url: string;
  requests: { headers: http.IncomingHttpHeaders; body: any }[];
  /** Answer the next requests with this status. */
  failWith?: number;
  close(): Promise<void>;
}

/** Vector i of a request: [i, length of the input, 0.5] (all exact in float32). */
async function startFakeEmbeddings(): Promise<FakeEmbeddings> {
  const fake: FakeEmbeddings = { url: "", requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      fake.requests.push({ headers: req.headers, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      };
      if (req.url !== "/v1/embeddings") return send(404, { error: { message: "no route", type: "not_found" } });
      if (fake.failWith) return send(fake.failWith, { error: { message: "embedder on fire", type: "server_error" } });
      const inputs: string[] = typeof body.input === "string" ? [body.input] : body.input;
      // Answered out of order on purpose: clients must sort by index.
      const data = inputs.map((s, index) => ({ object: "embedding", index, embedding: [index, s.length, 0.5] })).reverse();
      send(200, { object: "list", data, model: body.model, usage: { prompt_tokens: inputs.length * 2, total_tokens: inputs.length * 2 } });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}

const httpStages = [embeddingsStage];
const endpoints = { chatCompletions: { enabled: true } };

function config(fakeUrl: string, memorySearch?: Record<string, unknown>) {
  return localConfig(
    {
      models: { providers: { emb: { baseUrl: `${fakeUrl}/v1`, apiKey: "emb-key", api: "openai-completions", models: [{ id: "embed-small" }, { id: "embed-large" }] } } },
      agents: { defaults: memorySearch ? { memorySearch } : {} },
    },
    { http: { endpoints } },
  );
}

let fake: FakeEmbeddings;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeEmbeddings();
  gw = await startGateway(config(fake.url, { model: "emb/embed-small" }), { httpStages });
  client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gw.httpUrl}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw.stop();
  await fake.close();
});
afterEach(() => {
  fake.failWith = undefined;
});

describe("POST /v1/embeddings", () => {
  it("returns one vector per input, in order, with the request's model and upstream usage", async () => {
    const r = await client.embeddings.create({ model: "openclaw/default", input: ["a", "bbb"] });
    expect(r.object).toBe("list");
    expect(r.model).toBe("openclaw/default");
    expect(r.data.map((d) => d.index)).toEqual([0, 1]);
    // The SDK asked for base64 by default and decoded it: this is the float32 round trip.
    expect(r.data.map((d) => d.embedding)).toEqual([
      [0, 1, 0.5],
      [1, 3, 0.5],
    ]);
    expect(r.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const upstream = fake.requests.at(-1)!;
    expect(upstream.body).toMatchObject({ model: "embed-small", input: ["a", "bbb"] });
    expect(upstream.headers.authorization).toBe("Bearer emb-key");
  });

  it("answers float arrays for encoding_format float and float32 base64 for base64", async () => {
    const floats = await client.embeddings.create({ model: "openclaw", input: "hello", encoding_format: "float" });
    expect(floats.data[0]!.embedding).toEqual([0, 5, 0.5]);
    const b64 = await client.embeddings.create({ model: "openclaw", input: "hello", encoding_format: "base64" });
    const raw = b64.data[0]!.embedding as unknown as string;
    expect(typeof raw).toBe("string");
    const buf = Buffer.from(raw, "base64");
    expect([0, 4, 8].map((o) => buf.readFloatLE(o))).toEqual([0, 5, 0.5]);
  });

  it("takes the embedding model from x-openclaw-model", async () => {
    await client.embeddings.create({ model: "openclaw", input: "x" }, { headers: { "x-openclaw-model": "emb/embed-large" } });
    expect(fake.requests.at(-1)!.body.model).toBe("embed-large");
  });

  it("enforces the input limits", async () => {
    const many = await client.embeddings.create({ model: "openclaw", input: Array(129).fill("a") }).catch((e: unknown) => e);
    expect(many).toBeInstanceOf(BadRequestError);
    expect((many as BadRequestError).message).toContain("Too many inputs (max 128).");
    const long = await client.embeddings.create({ model: "openclaw", input: ["x".repeat(8193)] }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(BadRequestError);
    expect((long as BadRequestError).message).toContain("Input too long (max 8192 chars).");
    const res = await fetch(`${gw.httpUrl}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openclaw", input: [1, 2] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("`input` must be a string or an array of strings.");
  });

  it("routes model as an agent target", async () => {
    const err = await client.embeddings.create({ model: "text-embedding-3-small", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).message).toContain("Invalid `model`");
  });

  it("an upstream 500 is a 502 with the cause", async () => {
    fake.failWith = 500;
    const err = await client.embeddings.create({ model: "openclaw", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).message).toContain("embedder on fire");
  });

  it("an upstream 429 stays a 429", async () => {
    fake.failWith = 429;
    const err = await client.embeddings.create({ model: "openclaw", input: "x" }).catch((e: unknown) => e);
    expect((err as APIError).status).toBe(429);
  });
});

describe("configuration", () => {
  it("says how to configure an embedding model when none is set", async () => {
    const bare = await startGateway(config(fake.url), { httpStages });
    try {
      const c = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${bare.httpUrl}/v1`, maxRetries: 0 });
      const err = await c.embeddings.create({ model: "openclaw", input: "x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).message).toContain(
        'No embedding model configured: set agents.defaults.memorySearch.model (e.g. "openai/text-embedding-3-small").',
      );
    } finally {
      await bare.stop();
    }
  });

  it("is a 404 naming the flags when neither OpenAI endpoint is enabled", async () => {
    const off = await startGateway(localConfig(), { httpStages });
    try {
      const c = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${off.httpUrl}/v1`, maxRetries: 0 });
      const err = await c.embeddings.create({ model: "openclaw", input: "x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).code).toBe("endpoint_disabled");
    } finally {
      await off.stop();
    }
  });

  it("with auth none, x-openclaw-scopes must grant write", async () => {
    const open = await startGateway({ ...config(fake.url, { model: "emb/embed-small" }), gateway: { mode: "local", bind: "loopback", auth: { mode: "none" }, http: { endpoints } } }, { httpStages });
    try {
      const call = (scopes: string) =>
        fetch(`${open.httpUrl}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json", "x-openclaw-scopes": scopes }, body: JSON.stringify({ model: "openclaw", input: "x" }) });
      const denied = await call("operator.read");
      expect(denied.status).toBe(403);
      expect(await denied.json()).toEqual({ error: { message: "missing scope: operator.write", type: "forbidden", param: null, code: "missing_scope" } });
      expect((await call("operator.read, operator.write")).status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});
