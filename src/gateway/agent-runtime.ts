// The agent side of a gateway: session store, run engine, idempotency cache and the sessions
// subscribers, created together and handed to the agent/chat/sessions methods.
import type { RunEngine, RunHandle } from "../agents/engine/engine.js";
import type { DedupeCache } from "../agents/engine/dedupe.js";
import type { RunResult } from "../agents/engine/run-events.js";
import type { SessionStore } from "../agents/sessions/store.js";
import type { ToolEventRecipients } from "./ws/tool-recipients.js";

export interface DedupeEntry {
  runId: string;
  handle?: RunHandle;
  result?: RunResult;
  acceptedAt: number;
}

export interface AgentRuntime {
  readonly engine: RunEngine;
  readonly sessions: SessionStore;
  readonly dedupe: DedupeCache<DedupeEntry>;
  /** Connections that get each run's tool events. */
  readonly toolEventRecipients: ToolEventRecipients;
  /** Connection ids that asked for `sessions.changed`. */
  readonly sessionSubscribers: Set<string>;
  /** Broadcasts `sessions.changed` to subscribers. */
  sessionsChanged(sessionKey: string, reason: string, extra?: Record<string, unknown>): void;
}
