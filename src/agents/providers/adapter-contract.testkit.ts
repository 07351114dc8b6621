// The behaviour every adapter owes the run engine, checked through the real SDK against the fake
// provider. Each adapter's test file runs this suite and adds its API's own mapping tests.
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../../test/helpers/fake-provider.js";
import { ProviderError, type ProviderAdapter, type ProviderApi, type ProviderEvent, type ResolvedModel } from "../types.js";
import type { AdapterOptions } from "./guarded-stream.js";
import { retryAfterMs } from "./errors.js";

export async function collect(stream: AsyncIterable<ProviderEvent>): Promise<ProviderEvent[]> {
  const events: ProviderEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

export function fakeModel(fp: FakeProvider, api: ProviderApi, over: Partial<ResolvedModel> = {}): ResolvedModel {
  return {
    ref: "fake/fake-model",
    provider: "fake",
    model: "fake-model",
    api,
    baseUrl: api === "anthropic-messages" ? fp.url : `${fp.url}/v1`,
    apiKey: "sk-test",
    contextWindow: 8000,
    maxTokens: 256,
    ...over,
  };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function failure(stream: AsyncIterable<ProviderEvent>): Promise<ProviderError> {
  try {
    await collect(stream);
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error("expected the stream to fail");
}

export function describeAdapterContract(api: ProviderApi, create: (opts: AdapterOptions) => ProviderAdapter): void {
  describe(`${api} adapter (contract, via the real SDK)`, () => {
    let fp: FakeProvider;
    // Generous: the machine may be loaded; timeouts are tested with `quick` below.
    const adapter = create({ timeoutMs: 15_000 });
    const user = (text: string) => [{ role: "user" as const, content: text }];
    const run = (over: Partial<ResolvedModel> = {}, signal = neverAborted()) =>
      adapter.stream({ model: fakeModel(fp, api, over), system: "be brief", messages: user("hi"), signal });

    beforeAll(async () => {
      fp = await startFakeProvider();
    });
    afterAll(() => fp.close());
    beforeEach(() => fp.setBehavior({}));

    it("streams text deltas in order, then usage, then stop", async () => {
      fp.script({ text: "one two three", deltas: 3, usage: { input: 7, output: 3 } });
      const events = await collect(run({ headers: { "x-custom": "yes" } }));
      expect(events).toEqual([
        { type: "text-delta", text: "one " },
        { type: "text-delta", text: "two " },
        { type: "text-delta", text: "three" },
        { type: "usage", usage: { input: 7, output: 3 } },
        { type: "stop", reason: "stop" },
      ]);
      const rec = fp.requests.at(-1)!;
      expect(rec.body).toMatchObject({ model: "fake-model", stream: true });
      expect(rec.headers["x-custom"]).toBe("yes");
      expect(`${rec.headers.authorization ?? ""}${rec.headers["x-api-key"] ?? ""}`).toContain("sk-test");
      // The gateway's own transport (http-transport.ts), not undici's fetch, which asks for gzip.
      expect(rec.headers["accept-encoding"]).toBe("identity");
    });

    it("emits one tool call with arguments assembled from streamed fragments", async () => {
      const args = { city: "Paris", days: [1, 2], nested: { ok: true } };
      fp.script({ text: "Let me check.", toolCalls: [{ id: "call_1", name: "get_weather", arguments: args, fragments: 6 }] });
      const events = await collect(run());
      const calls = events.filter((e) => e.type === "tool-call");
      expect(calls).toEqual([{ type: "tool-call", call: { id: "call_1", name: "get_weather", arguments: args } }]);
      expect(events.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text).join("")).toBe("Let me check.");
      expect(events.at(-1)).toEqual({ type: "stop", reason: "tool_calls" });
    });

    it("keeps invalid tool arguments under _raw and still emits the call", async () => {
      fp.script({ toolCalls: [{ id: "c1", name: "a", arguments: '{"x": 1' }, { id: "c2", name: "b", arguments: "" }] });
      const calls = (await collect(run())).filter((e) => e.type === "tool-call");
      expect(calls).toEqual([
        { type: "tool-call", call: { id: "c1", name: "a", arguments: { _raw: '{"x": 1' } } },
        { type: "tool-call", call: { id: "c2", name: "b", arguments: {} } },
      ]);
    });

    it("normalises a max-tokens stop to length", async () => {
      fp.script({ text: "cut", stopReason: "length" });
      expect((await collect(run())).at(-1)).toEqual({ type: "stop", reason: "length" });
    });

    it("maps 401 to an auth error naming the config key", async () => {
      fp.script({ status: 401 });
      const err = await failure(run());
      expect(err.kind).toBe("auth");
      expect(err.status).toBe(401);
      expect(err.message).toBe("fake rejected the API key (HTTP 401); check models.providers.fake.apiKey");
      expect(err.retryable).toBe(false);
    });

    it("maps 429 (with Retry-After), 5xx, context-length 400 and other 4xx", async () => {
      fp.script(
        { status: 429, retryAfter: 2 },
        { status: 503 },
        { status: 400, errorMessage: "This model's maximum context length is 8192 tokens" },
        { status: 404, errorMessage: "no such model" },
      );
      const limited = await failure(run());
      expect([limited.kind, limited.status, retryAfterMs(limited)]).toEqual(["rate_limit", 429, 2000]);
      expect((await failure(run())).kind).toBe("server");
      expect((await failure(run())).kind).toBe("context_length");
      const bad = await failure(run());
      expect(bad.kind).toBe("bad_request");
      expect(bad.message).toContain("no such model");
      expect(fp.requestCount).toBeGreaterThanOrEqual(4); // no SDK-level retries
    });

    it("maps connection refused to network", async () => {
      const port = await closedPort();
      const baseUrl = api === "anthropic-messages" ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1`;
      const err = await failure(run({ baseUrl }));
      expect(err.kind).toBe("network");
      expect(err.message).toContain(`127.0.0.1:${port}`);
    });

    it("aborts mid-stream: the stream fails as aborted and the server sees the request closed", async () => {
      fp.script({ text: "abcde", deltas: 5, hangAfterDeltas: 2 });
      const controller = new AbortController();
      const seen: string[] = [];
      let error: unknown;
      try {
        for await (const e of run({}, controller.signal)) {
          if (e.type === "text-delta") seen.push(e.text);
          if (seen.length === 2) controller.abort();
        }
      } catch (err) {
        error = err;
      }
      expect(seen).toEqual(["a", "b"]);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe("aborted");
      const rec = fp.requests.at(-1)!;
      await rec.closed;
      expect(rec.clientClosed).toBe(true);
    });

    it("fails as aborted at once when the signal is already aborted", async () => {
      const before = fp.requestCount;
      expect((await failure(run({}, AbortSignal.abort()))).kind).toBe("aborted");
      expect(fp.requestCount).toBe(before);
    });

    it("times out a silent server and closes the request", async () => {
      const quick = create({ timeoutMs: 150 });
      fp.script({ hang: true });
      const started = Date.now();
      const err = await failure(quick.stream({ model: fakeModel(fp, api), messages: user("hi"), signal: neverAborted() }));
      expect(err.kind).toBe("timeout");
      expect(err.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
      await fp.requests.at(-1)!.closed;
    });

    it("stops the HTTP request when the consumer stops reading", async () => {
      fp.script({ text: "a b c d", deltas: 4, delayMs: 30 });
      for await (const e of run()) if (e.type === "text-delta") break;
      const rec = fp.requests.at(-1)!;
      await rec.closed;
      expect(rec.clientClosed).toBe(true);
    });
  });
}

// A signal nobody aborts, made fresh per request.
function neverAborted(): AbortSignal {
  return new AbortController().signal;
}

/**
 * What an adapter that can answer whole (StreamRequest.incremental false) owes the run engine:
 * one non-stream call, the same events with the text in one delta, the same error mapping, and a
 * limit of its own (wholeTimeoutMs) instead of the idle timeout a silent whole answer would trip.
 */
export function describeWholeAnswerContract(api: ProviderApi, create: (opts: AdapterOptions) => ProviderAdapter): void {
  describe(`${api} adapter, whole answers (incremental: false)`, () => {
    let fp: FakeProvider;
    const adapter = create({ timeoutMs: 15_000 });
    const user = (text: string) => [{ role: "user" as const, content: text }];
    const run = (over: Partial<ResolvedModel> = {}, signal = neverAborted(), a = adapter) =>
      a.stream({ model: fakeModel(fp, api, over), system: "be brief", messages: user("hi"), signal, incremental: false });

    beforeAll(async () => {
      fp = await startFakeProvider();
    });
    afterAll(() => fp.close());
    beforeEach(() => fp.setBehavior({}));

    it("asks without streaming and yields the whole text, usage and stop", async () => {
      fp.script({ text: "one two three", deltas: 3, usage: { input: 7, output: 3 } });
      const events = await collect(run({ headers: { "x-custom": "yes" } }));
      expect(events).toEqual([
        { type: "text-delta", text: "one two three" },
        { type: "usage", usage: { input: 7, output: 3 } },
        { type: "stop", reason: "stop" },
      ]);
      const rec = fp.requests.at(-1)!;
      expect(rec.body.stream).not.toBe(true);
      expect(rec.body).not.toHaveProperty("stream_options");
      expect(rec.body).toMatchObject({ model: "fake-model" });
      expect(rec.headers["x-custom"]).toBe("yes");
    });

    it("yields tool calls with parsed arguments and stops for them", async () => {
      const args = { city: "Paris", days: [1, 2] };
      fp.script({ text: "Let me check.", toolCalls: [{ id: "call_1", name: "get_weather", arguments: args }, { id: "call_2", name: "b", arguments: '{"x": 1' }] });
      const events = await collect(run());
      expect(events.filter((e) => e.type === "tool-call")).toEqual([
        { type: "tool-call", call: { id: "call_1", name: "get_weather", arguments: args } },
        { type: "tool-call", call: { id: "call_2", name: "b", arguments: { _raw: '{"x": 1' } } },
      ]);
      expect(events.filter((e) => e.type === "text-delta")).toEqual([{ type: "text-delta", text: "Let me check." }]);
      expect(events.at(-1)).toEqual({ type: "stop", reason: "tool_calls" });
    });

    it("normalises a max-tokens stop to length", async () => {
      fp.script({ text: "cut", stopReason: "length" });
      expect((await collect(run())).at(-1)).toEqual({ type: "stop", reason: "length" });
    });

    it("maps 401, 429 with Retry-After and 5xx as the stream does", async () => {
      fp.script({ status: 401 }, { status: 429, retryAfter: 2 }, { status: 503 });
      const auth = await failure(run());
      expect([auth.kind, auth.message]).toEqual(["auth", "fake rejected the API key (HTTP 401); check models.providers.fake.apiKey"]);
      const limited = await failure(run());
      expect([limited.kind, retryAfterMs(limited)]).toEqual(["rate_limit", 2000]);
      expect((await failure(run())).kind).toBe("server");
    });

    it("waits for a slow whole answer past the idle timeout, within wholeTimeoutMs", async () => {
      const patient = create({ timeoutMs: 100, wholeTimeoutMs: 10_000 });
      fp.script({ text: "a b c", deltas: 3, delayMs: 100 });
      const events = await collect(run({}, neverAborted(), patient));
      expect(events[0]).toEqual({ type: "text-delta", text: "a b c" });
    });

    it("times out at wholeTimeoutMs and closes the request", async () => {
      const quick = create({ timeoutMs: 15_000, wholeTimeoutMs: 150 });
      fp.script({ hang: true });
      const started = Date.now();
      const err = await failure(run({}, neverAborted(), quick));
      expect(err.kind).toBe("timeout");
      expect(Date.now() - started).toBeLessThan(2000);
      await fp.requests.at(-1)!.closed;
    });

    it("aborts a call in flight: fails as aborted and the server sees the request closed", async () => {
      fp.script({ hang: true });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      expect((await failure(run({}, controller.signal))).kind).toBe("aborted");
      const rec = fp.requests.at(-1)!;
      await rec.closed;
      expect(rec.clientClosed).toBe(true);
    });
  });
}
