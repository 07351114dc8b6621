// Graceful stop lets in-flight requests finish (bounded); v4 `cancel` aborts a pending request.
import { Type } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { defineMethod } from "../src/gateway/methods/registry.js";
import { startGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe } from "./helpers/ws-probe.js";

const slow = defineMethod({
  name: "test.slow",
  params: Type.Object({ ms: Type.Integer() }),
  handler: (ctx, params) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve({ slept: params.ms }), params.ms);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(t);
        reject(new Error("request cancelled"));
      });
    }),
});

describe("drain on stop", () => {
  it("answers the in-flight request, refuses new ones, then closes 1012", async () => {
    const gw = await startGateway(localConfig(), { methods: [slow] });
    const { probe } = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN } }));
    const inflight = probe.request("test.slow", { ms: 300 });
    await new Promise((r) => setTimeout(r, 50));
    const stopping = gw.stop();
    await probe.next((f) => f.event === "shutdown");
    const late = await probe.request("health", {});
    expect(late.error).toEqual({ code: "UNAVAILABLE", message: "gateway is shutting down; retry shortly", retryable: true, retryAfterMs: 1500 });
    expect((await inflight).payload).toEqual({ slept: 300 });
    expect(await probe.closed).toEqual({ code: 1012, reason: "service restart" });
    await stopping;
  });

  it("is bounded by the drain timeout", async () => {
    const gw = await startGateway(localConfig(), { methods: [slow], drainTimeoutMs: 200 });
    const { probe } = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN } }));
    void probe.request("test.slow", { ms: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await gw.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await probe.closed).code).toBe(1012);
  });
});

describe("v4 cancel", () => {
  it("aborts the pending request; an unknown id is ignored", async () => {
    const gw = await startGateway(localConfig(), { methods: [slow] });
    const { probe } = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN } }));
    probe.send({ type: "cancel", id: "nothing-pending" });
    const pending = probe.request("test.slow", { ms: 5000 }, "slow-1");
    probe.send({ type: "cancel", id: "slow-1" });
    const res = await pending;
    expect(res.ok).toBe(false);
    expect(res.error.message).toBe("request cancelled");
    expect((await probe.request("health", {})).ok).toBe(true);
    probe.close();
    await gw.stop();
  });
});
