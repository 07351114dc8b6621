import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../agents/engine/run-events.js";
import { finishReason, RATE_LIMIT_RETRY_AFTER_S, runFailure, startFailure } from "./run-stream.js";

const base: RunResult = { runId: "r", sessionKey: "k", agentId: "main", sessionId: "", status: "ok", text: "", startedAt: 0, endedAt: 0 };
const failed = (kind: NonNullable<RunResult["error"]>["kind"], message = "boom"): RunResult => ({ ...base, status: "error", error: { kind, message } });

describe("runFailure", () => {
  it("is undefined for a successful run", () => {
    expect(runFailure(base)).toBeUndefined();
  });

  it("maps provider auth to 502, not 401 (the client's token is fine)", () => {
    expect(runFailure(failed("auth"))).toMatchObject({ status: 502, type: "server_error", code: "upstream_auth_error", message: "boom", headers: { "x-should-retry": "false" } });
  });

  it("maps rate limits, context length, timeouts and the rest", () => {
    expect(runFailure(failed("rate_limit"))).toMatchObject({ status: 429, code: "rate_limit_exceeded", headers: { "Retry-After": String(RATE_LIMIT_RETRY_AFTER_S) } });
    expect(runFailure(failed("context_length"))).toMatchObject({ status: 400, type: "invalid_request_error", code: "context_length_exceeded" });
    expect(runFailure(failed("timeout"))).toMatchObject({ status: 504, code: "upstream_timeout" });
    expect(runFailure(failed("unknown", "fake server error (HTTP 500)"))).toMatchObject({ status: 502, code: "upstream_error", message: "The agent run failed: fake server error (HTTP 500)" });
  });

  it("maps aborted runs by reason", () => {
    expect(runFailure({ ...base, status: "aborted", abortReason: "timeout" })).toMatchObject({ status: 504, code: "upstream_timeout" });
    expect(runFailure({ ...base, status: "aborted", abortReason: "shutdown" })).toMatchObject({ status: 503, code: "service_unavailable" });
    expect(runFailure({ ...base, status: "aborted", abortReason: "rpc" })).toMatchObject({ status: 503, code: "run_aborted" });
  });

  it("maps a refused start", () => {
    expect(startFailure(new Error("the gateway is shutting down; not starting new runs"))).toMatchObject({ status: 503, code: "service_unavailable" });
    expect(startFailure(new Error("unknown agent id"))).toMatchObject({ status: 500, code: "internal_error" });
  });
});

describe("finishReason", () => {
  it("prefers client tool calls, then the stop reason", () => {
    expect(finishReason({ ...base, toolCalls: [{ id: "c", name: "f", arguments: {} }], stopReason: "tool_calls" })).toBe("tool_calls");
    expect(finishReason({ ...base, stopReason: "length" })).toBe("length");
    expect(finishReason({ ...base, stopReason: "refusal" })).toBe("content_filter");
    expect(finishReason({ ...base, stopReason: "unknown" })).toBe("stop");
    expect(finishReason(base)).toBe("stop");
  });
});
