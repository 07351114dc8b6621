import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../../test/helpers/fake-provider.js";
import { ProviderError, type ResolvedModel } from "../types.js";
import { fakeModel } from "./adapter-contract.testkit.js";
import { streamWithFallback, type AttemptInfo, type FallbackEvent, type FallbackOptions } from "./fallback.js";

let a: FakeProvider;
let b: FakeProvider;
let modelA: ResolvedModel;
let modelB: ResolvedModel;

beforeAll(async () => {
  [a, b] = await Promise.all([startFakeProvider(), startFakeProvider()]);
  modelA = fakeModel(a, "openai-completions", { ref: "a/m", provider: "a" });
  modelB = fakeModel(b, "anthropic-messages", { ref: "b/m", provider: "b" });
});
afterAll(() => Promise.all([a.close(), b.close()]));
beforeEach(() => {
  a.setBehavior({});
  b.setBehavior({ text: "from b" });
});

const request = (signal = new AbortController().signal) => ({ messages: [{ role: "user" as const, content: "hi" }], signal });

async function run(chain: ResolvedModel[], opts: FallbackOptions = {}, signal?: AbortSignal) {
  const events: FallbackEvent[] = [];
  const attempts: AttemptInfo[] = [];
  let error: unknown;
  try {
    for await (const e of streamWithFallback(chain, request(signal), { baseDelayMs: 5, onAttempt: (i) => attempts.push(i), ...opts })) {
      events.push(e);
    }
  } catch (err) {
    error = err;
  }
  const text = events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");
  const models = events.flatMap((e) => (e.type === "model" ? [e.model.ref] : []));
  return { events, attempts, error: error as ProviderError | undefined, text, models };
}

describe("streamWithFallback", () => {
  it("retries a retryable failure on the same model, then succeeds", async () => {
    a.setBehavior({ failFirst: { count: 2, status: 500 } });
    const before = a.requestCount;
    const r = await run([modelA, modelB]);
    expect(r.error).toBeUndefined();
    expect(r.text).toBe("Hello from fake.");
    expect(r.models).toEqual(["a/m"]);
    expect(r.attempts.map((x) => [x.model.ref, x.attempt, x.error?.kind])).toEqual([
      ["a/m", 0, undefined],
      ["a/m", 1, "server"],
      ["a/m", 2, "server"],
    ]);
    expect(a.requestCount - before).toBe(3);
    expect(r.events.at(-1)).toEqual({ type: "stop", reason: "stop" });
  });

  it("moves to the next model after 429 three times", async () => {
    a.setBehavior({ failFirst: { count: 3, status: 429, retryAfter: 0 } });
    const beforeB = b.requestCount;
    const r = await run([modelA, modelB]);
    expect(r.error).toBeUndefined();
    expect(r.models).toEqual(["a/m", "b/m"]);
    expect(r.text).toBe("from b");
    expect(r.attempts.map((x) => `${x.model.ref}#${x.attempt}`)).toEqual(["a/m#0", "a/m#1", "a/m#2", "b/m#0"]);
    expect(r.attempts[3]!.error?.kind).toBe("rate_limit");
    expect(b.requestCount - beforeB).toBe(1);
  });

  it("waits as long as Retry-After asks", async () => {
    a.setBehavior({ failFirst: { count: 1, status: 429, retryAfter: 1 } });
    const started = Date.now();
    const r = await run([modelA], { baseDelayMs: 1 });
    expect(r.error).toBeUndefined();
    expect(r.attempts[1]!.delayMs).toBe(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("fails at once on an auth error, without fallback", async () => {
    a.setBehavior({ failFirst: { count: 5, status: 401 } });
    const beforeA = a.requestCount;
    const beforeB = b.requestCount;
    const r = await run([modelA, modelB]);
    expect(r.error?.kind).toBe("auth");
    expect(r.error?.message).toBe("a rejected the API key (HTTP 401); check models.providers.a.apiKey");
    expect(a.requestCount - beforeA).toBe(1);
    expect(b.requestCount - beforeB).toBe(0);
  });

  it("does not retry once output has been yielded", async () => {
    a.setBehavior({ text: "abcdef", deltas: 3, dropAfterDeltas: 1 });
    const beforeA = a.requestCount;
    const beforeB = b.requestCount;
    const r = await run([modelA, modelB]);
    expect(r.text).toBe("ab");
    expect(r.error?.kind).toBe("network");
    expect(a.requestCount - beforeA).toBe(1);
    expect(b.requestCount - beforeB).toBe(0);
  });

  it("skips to the next model without retrying a bad request", async () => {
    a.setBehavior({ failFirst: { count: 5, status: 400, message: "unsupported parameter" } });
    const beforeA = a.requestCount;
    const r = await run([modelA, modelB]);
    expect(r.text).toBe("from b");
    expect(a.requestCount - beforeA).toBe(1);
  });

  it("throws the last error when every model fails", async () => {
    a.setBehavior({ failFirst: { count: 9, status: 503 } });
    b.setBehavior({ failFirst: { count: 9, status: 500 } });
    const r = await run([modelA, modelB], { retries: 1 });
    expect(r.models).toEqual(["a/m", "b/m"]);
    expect(r.error).toBeInstanceOf(ProviderError);
    expect([r.error?.kind, r.error?.provider, r.error?.status]).toEqual(["server", "b", 500]);
  });

  it("aborts during a backoff sleep without waiting it out", async () => {
    a.setBehavior({ failFirst: { count: 9, status: 500 } });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const r = await run([modelA, modelB], { baseDelayMs: 10_000, maxDelayMs: 10_000 }, controller.signal);
    expect(r.error?.kind).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.models).toEqual(["a/m"]);
  });

  it("propagates an abort mid-stream as aborted, without fallback", async () => {
    a.setBehavior({ text: "abcd", deltas: 4, hangAfterDeltas: 1 });
    const controller = new AbortController();
    const beforeB = b.requestCount;
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const e of streamWithFallback([modelA, modelB], request(controller.signal))) {
        if (e.type === "text-delta") {
          seen.push(e.text);
          controller.abort();
        }
      }
    } catch (err) {
      error = err;
    }
    expect(seen).toEqual(["a"]);
    expect((error as ProviderError).kind).toBe("aborted");
    expect(b.requestCount - beforeB).toBe(0);
  });

  it("says so when the chain is empty", async () => {
    await expect(streamWithFallback([], request()).next()).rejects.toThrow("no model configured");
  });
});
