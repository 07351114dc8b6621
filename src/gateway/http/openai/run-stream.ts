// Running one HTTP request's agent run, shared by the OpenAI-compatible endpoints: start it,
// watch its events, abort it when the client goes away, and say how a failed run is answered.
//
// Failure mapping (a failed run is never a 200 "stop"; oc#124038):
//   provider auth    -> 502 server_error  upstream_auth_error
//   rate limit       -> 429 rate_limit_error rate_limit_exceeded, Retry-After
//   context length   -> 400 invalid_request_error context_length_exceeded
//   timeout          -> 504 server_error  upstream_timeout (the provider's, or the run's own limit)
//   anything else    -> 502 server_error  upstream_error, the cause in the message
//   shutting down    -> 503 server_error  service_unavailable
// The reference answers a provider auth failure with 401 authentication_error (wire-captures
// 4.2). We do not: openai-node turns any 401 into AuthenticationError and LobeChat into
// "InvalidProviderAPIKey", telling the user their gateway token is wrong when the gateway's own
// provider key is. A bad upstream is a bad gateway, so 502.
// 502/504 carry `x-should-retry: false`: the engine already retried and fell back, and an SDK
// retry on top would multiply provider calls (openai-node honours the header).
import type { ServerResponse } from "node:http";
import type { RunHandle, RunRequest } from "../../../agents/engine/engine.js";
import type { RunListener, RunResult } from "../../../agents/engine/run-events.js";
import type { GatewayServices } from "../../services.js";

/** Retry-After for a rate-limited run: the provider's own hint does not reach the RunResult. */
export const RATE_LIMIT_RETRY_AFTER_S = 5;

export interface RunFailure {
  status: number;
  message: string;
  type: string;
  code: string;
  headers: Record<string, string>;
}

const NO_RETRY = { "x-should-retry": "false" };

/** How a finished run that did not succeed is answered; undefined for a successful run. */
export function runFailure(result: RunResult): RunFailure | undefined {
  if (result.status === "ok") return undefined;
  if (result.status === "aborted") {
    if (result.abortReason === "timeout") return { status: 504, message: "The agent run timed out.", type: "server_error", code: "upstream_timeout", headers: NO_RETRY };
    if (result.abortReason === "shutdown") return { status: 503, message: "The gateway is shutting down.", type: "server_error", code: "service_unavailable", headers: {} };
    return { status: 503, message: `The agent run was aborted (${result.abortReason ?? "stop"}).`, type: "server_error", code: "run_aborted", headers: NO_RETRY };
  }
  const message = result.error?.message || "The agent run failed.";
  switch (result.error?.kind) {
    case "auth":
      return { status: 502, message, type: "server_error", code: "upstream_auth_error", headers: NO_RETRY };
    case "rate_limit":
      return { status: 429, message, type: "rate_limit_error", code: "rate_limit_exceeded", headers: { "Retry-After": String(RATE_LIMIT_RETRY_AFTER_S) } };
    case "context_length":
      return { status: 400, message, type: "invalid_request_error", code: "context_length_exceeded", headers: {} };
    case "timeout":
      return { status: 504, message, type: "server_error", code: "upstream_timeout", headers: NO_RETRY };
    default:
      return { status: 502, message: `The agent run failed: ${message}`, type: "server_error", code: "upstream_error", headers: NO_RETRY };
  }
}

/** `engine.start` refused the run (shutting down, agent gone since routing). */
export function startFailure(err: unknown): RunFailure {
  const message = err instanceof Error ? err.message : String(err);
  const shutdown = /shutting down/i.test(message);
  return { status: shutdown ? 503 : 500, message, type: "server_error", code: shutdown ? "service_unavailable" : "internal_error", headers: {} };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** The OpenAI finish reason of a successful run. */
export function finishReason(result: RunResult): FinishReason {
  if (result.toolCalls?.length) return "tool_calls";
  if (result.stopReason === "length") return "length";
  if (result.stopReason === "content_filter" || result.stopReason === "refusal") return "content_filter";
  return "stop";
}

/** Token usage with zeros for what the provider did not report. */
export function usageOf(result: RunResult): { input: number; output: number; total: number } {
  const input = result.usage?.input ?? 0;
  const output = result.usage?.output ?? 0;
  return { input, output, total: input + output };
}

/** Aborts when the client closes the connection before the response has been sent. */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client disconnected"));
  });
  return controller.signal;
}

export interface ClientRun {
  handle: RunHandle;
  done: Promise<RunResult>;
  /** True once the client went away before the response ended (the run was aborted for it). */
  disconnected(): boolean;
}

/**
 * Starts `request` and ties it to `res`: the listener sees every event from the first, and a
 * client that closes the connection before the response ends aborts the run ("disconnect").
 * Throws what `engine.start` throws (see {@link startFailure}).
 */
export function startClientRun(gw: GatewayServices, res: ServerResponse, request: RunRequest, listener?: RunListener): ClientRun {
  const handle = gw.agents.engine.start(request);
  // Subscribing in the same tick as start() sees every event: the run begins after an await.
  if (listener) handle.subscribe(listener);
  let gone = false;
  const onClose = () => {
    if (res.writableFinished) return;
    gone = true;
    handle.abort("disconnect");
  };
  res.on("close", onClose);
  // The client may have gone while the body was read or the route resolved.
  if (res.closed || res.destroyed) onClose();
  const done = handle.done.finally(() => res.off("close", onClose));
  return { handle, done, disconnected: () => gone };
}
