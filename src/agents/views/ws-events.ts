// The WebSocket view of a run: `agent` events (lifecycle, assistant, compaction, tool streams with
// a per-run seq; tool frames only to the run's tool-event recipients) and `chat` events (deltas
// throttled to one per 150 ms and droppable for slow clients, then final / aborted / error).
// Spec 3.1-3.3.
import type { Broadcaster } from "../../gateway/ws/broadcast.js";
import type { ToolEventRecipients } from "../../gateway/ws/tool-recipients.js";
import type { RunHandle } from "../engine/engine.js";
import type { RunEvent } from "../engine/run-events.js";

export const CHAT_DELTA_THROTTLE_MS = 150;

/** Where a run's WS events go, shared by all runs. */
export interface WsEventSinks {
  broadcaster: Broadcaster;
  toolRecipients: ToolEventRecipients;
  /** The session's verbose level (`off`, `on`, `full`); tool results are sent only at `full`. */
  verboseLevel(agentId: string, sessionKey: string): Promise<string | undefined>;
}

function chatMessage(text: string) {
  return { role: "assistant", content: [{ type: "text", text }], timestamp: Date.now() };
}

export function attachWsEvents(run: RunHandle, sinks: WsEventSinks, throttleMs = CHAT_DELTA_THROTTLE_MS): void {
  const { broadcaster, toolRecipients } = sinks;
  let seq = 0;
  let sentText = "";
  let pendingText = "";
  let lastDeltaAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const base = () => ({ runId: run.runId, sessionKey: run.sessionKey });

  const agentEvent = (stream: string, data: Record<string, unknown>, targets?: ReadonlySet<string>) => {
    const payload = { ...base(), seq: ++seq, stream, ts: Date.now(), data };
    broadcaster.broadcast("agent", payload, targets ? { targets } : {});
  };

  // Tool results go out only at verbose level "full" (spec 3.2). The level is read (from the
  // session index in memory) when the run starts and at each tool call, without waiting for it:
  // the model call between a run's start and its first tool result gives the read time to land.
  let verboseFull = false;
  const readVerbose = () => {
    sinks.verboseLevel(run.agentId, run.sessionKey).then(
      (level) => (verboseFull = level === "full"),
      () => {},
    );
  };

  // Background runs (heartbeats) show no text until they end, and a silent reply none at all.
  const quiet = run.silentReply;

  const flushDelta = () => {
    clearTimeout(timer);
    timer = undefined;
    if (quiet || pendingText === sentText) return;
    const deltaText = pendingText.startsWith(sentText) ? pendingText.slice(sentText.length) : pendingText;
    const replace = !pendingText.startsWith(sentText);
    const v3 = { ...base(), seq, state: "delta", message: chatMessage(pendingText) };
    broadcaster.broadcast("chat", { ...v3, deltaText, ...(replace ? { replace: true } : {}) }, { dropIfSlow: true, v3Payload: v3 });
    sentText = pendingText;
    lastDeltaAt = Date.now();
  };

  run.subscribe((e: RunEvent) => {
    switch (e.type) {
      case "start":
        if (toolRecipients.forRun(run.runId)) readVerbose();
        agentEvent("lifecycle", { phase: "start", startedAt: e.startedAt });
        break;
      case "text-delta": {
        if (quiet) break;
        agentEvent("assistant", { text: e.text, delta: e.delta });
        pendingText = e.text;
        const wait = throttleMs - (Date.now() - lastDeltaAt);
        if (wait <= 0) flushDelta();
        else timer ??= setTimeout(flushDelta, wait);
        break;
      }
      case "tool-call": {
        flushDelta();
        // Tool frames count in the run's seq whether or not anyone receives them.
        const targets = toolRecipients.forRun(run.runId);
        if (!targets) {
          seq++;
          break;
        }
        readVerbose();
        agentEvent("tool", { phase: "start", name: e.call.name, toolCallId: e.call.id, args: e.call.arguments }, targets);
        break;
      }
      case "tool-result": {
        const targets = toolRecipients.forRun(run.runId);
        if (!targets) {
          seq++;
          break;
        }
        const data: Record<string, unknown> = { phase: "result", name: e.call.name, toolCallId: e.call.id, meta: { chars: e.result.content.length }, isError: e.result.isError };
        if (verboseFull) data.result = { content: [{ type: "text", text: e.result.content }] };
        agentEvent("tool", data, targets);
        break;
      }
      case "compaction-start":
        agentEvent("compaction", { phase: "start" });
        break;
      case "compaction-end":
        agentEvent("compaction", { phase: "end", willRetry: e.willRetry, completed: e.completed });
        break;
      case "end":
        toolRecipients.runEnded(run.runId);
        flushDelta();
        agentEvent("lifecycle", { phase: "end", endedAt: e.endedAt });
        const shown = e.text && !quiet?.(e.text) ? e.text : "";
        broadcaster.broadcast("chat", { ...base(), seq, state: "final", ...(shown ? { message: chatMessage(shown) } : {}), stopReason: e.stopReason });
        break;
      case "error":
        toolRecipients.runEnded(run.runId);
        flushDelta();
        agentEvent("lifecycle", { phase: "error", error: e.message || "LLM request failed.", endedAt: e.endedAt });
        broadcaster.broadcast("chat", { ...base(), seq, state: "error", errorMessage: e.message, errorKind: e.kind === "auth" ? "unknown" : e.kind });
        break;
      case "aborted":
        toolRecipients.runEnded(run.runId);
        flushDelta();
        agentEvent("lifecycle", { phase: "end", endedAt: e.endedAt, aborted: true });
        broadcaster.broadcast("chat", { ...base(), seq: seq + 1, state: "aborted", stopReason: e.reason, ...(e.text ? { message: chatMessage(e.text) } : {}) });
        break;
      default:
        break;
    }
  });
}
