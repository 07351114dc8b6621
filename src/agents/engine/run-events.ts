// The one stream every view of a run is built from (WS agent/chat events, HTTP SSE, the CLI
// printer, the transcript writer). Adding a view never touches the engine.
import type { ResolvedModel, StopReason, ToolCall, Usage } from "../types.js";

export type AbortReason = "rpc" | "stop" | "timeout" | "disconnect" | "shutdown";

export interface ToolOutcome {
  content: string;
  isError: boolean;
}

export type RunEvent =
  | { type: "start"; startedAt: number }
  | { type: "model"; model: ResolvedModel }
  | { type: "text-delta"; delta: string; text: string }
  | { type: "tool-call"; call: ToolCall }
  | { type: "tool-result"; call: ToolCall; result: ToolOutcome }
  /** History is being summarised before the model call (the prompt is built from the result). */
  | { type: "compaction-start" }
  /** `completed`: a summary was stored; `willRetry`: a failed model call is repeated after it. */
  | { type: "compaction-end"; completed: boolean; willRetry: boolean }
  /** The model called tools the caller runs itself; the run ends after this. */
  | { type: "client-tool-calls"; calls: ToolCall[] }
  | { type: "usage"; usage: Usage }
  | { type: "end"; text: string; stopReason: StopReason; endedAt: number }
  | { type: "error"; message: string; kind: RunErrorKind; text: string; endedAt: number }
  | { type: "aborted"; reason: AbortReason; text: string; endedAt: number };

export type RunErrorKind = "refusal" | "timeout" | "rate_limit" | "context_length" | "auth" | "unknown";

export type RunStatus = "ok" | "error" | "aborted";

export interface RunResult {
  runId: string;
  sessionKey: string;
  agentId: string;
  sessionId: string;
  status: RunStatus;
  text: string;
  startedAt: number;
  endedAt: number;
  stopReason?: StopReason;
  abortReason?: AbortReason;
  usage?: Usage;
  model?: { provider: string; model: string };
  error?: { kind: RunErrorKind; message: string; providerStatus?: number };
  /** Calls to caller-supplied tools that ended the run. */
  toolCalls?: ToolCall[];
}

export type RunListener = (event: RunEvent) => void;
