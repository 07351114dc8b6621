// `sessions.changed` for the connections that called sessions.subscribe (spec 3.4): a method
// changed a session (`reason`) or one of its runs started or ended (`phase`, `runId`), followed by
// the session's row as it stands. The row comes from the store's in-memory index, so a run's
// events cost no disk read, and nothing is read or built while nobody is subscribed.
import type { RunHandle } from "../agents/engine/engine.js";
import type { SessionRow, SessionStore } from "../agents/sessions/store.js";
import type { Broadcaster } from "./ws/broadcast.js";

export function sessionKind(key: string): "direct" | "group" | "global" | "unknown" {
  if (key === "global") return "global";
  if (/:group:|:channel:/.test(key)) return "group";
  return key.startsWith("agent:") ? "direct" : "unknown";
}

/** A session row as clients see it (sessions.list, sessions.changed). */
export function sessionRowView(row: SessionRow, running: boolean): Record<string, unknown> {
  return { ...row, kind: sessionKind(row.key), updatedAt: row.updatedAt ?? null, ...(running ? { status: "running" } : {}) };
}

export interface SessionEventsDeps {
  broadcaster: Broadcaster;
  sessions: SessionStore;
  /** The agent a session key belongs to. */
  agentFor(sessionKey: string): string;
  hasActiveRun(sessionKey: string): boolean;
}

/** How a run left its session (the row's `status`). */
type RunOutcome = "done" | "failed" | "killed" | "timeout";

export class SessionEvents {
  /** Connection ids that called sessions.subscribe. */
  readonly subscribers = new Set<string>();

  constructor(private readonly deps: SessionEventsDeps) {}

  /** A method changed the session: `send`, `reset`, `patch`, `delete`, `compact`, `inject`. */
  changed(sessionKey: string, reason: string, extra: Record<string, unknown> = {}): void {
    if (this.subscribers.size === 0) return;
    const head = { sessionKey, reason, ...extra, ts: Date.now() };
    void this.#send(this.deps.agentFor(sessionKey), sessionKey, head, undefined);
  }

  /** Announces the run's start and end, with the row's run fields as the reference derives them. */
  watch(run: RunHandle): void {
    let startedAt = run.startedAt;
    run.subscribe((e) => {
      if (e.type === "start") startedAt = e.startedAt;
      if (this.subscribers.size === 0) return;
      switch (e.type) {
        case "start":
          this.#runPhase(run, "start", startedAt, { updatedAt: startedAt, status: "running", startedAt, endedAt: undefined, runtimeMs: undefined, abortedLastRun: false });
          break;
        case "end":
          this.#runEnded(run, "end", "done", startedAt, e.endedAt);
          break;
        case "error":
          this.#runEnded(run, "error", e.kind === "timeout" ? "timeout" : "failed", startedAt, e.endedAt);
          break;
        case "aborted":
          this.#runEnded(run, "end", e.reason === "timeout" ? "timeout" : "killed", startedAt, e.endedAt);
          break;
        default:
          break;
      }
    });
  }

  #runEnded(run: RunHandle, phase: string, status: RunOutcome, startedAt: number, endedAt: number) {
    const runtimeMs = Math.max(0, endedAt - startedAt);
    this.#runPhase(run, phase, endedAt, { updatedAt: endedAt, status, startedAt, endedAt, runtimeMs, abortedLastRun: status === "killed" });
  }

  // The reference sends no `reason` with a run's phases.
  #runPhase(run: RunHandle, phase: string, ts: number, fields: Record<string, unknown>) {
    void this.#send(run.agentId, run.sessionKey, { sessionKey: run.sessionKey, phase, runId: run.runId, ts }, fields);
  }

  async #send(agentId: string, sessionKey: string, head: Record<string, unknown>, runFields: Record<string, unknown> | undefined) {
    // A deleted session, or a key the store refuses, has no row to show.
    const row = await this.deps.sessions.get(agentId, sessionKey).catch(() => undefined);
    const snapshot = row ? sessionRowView(row, runFields === undefined && this.deps.hasActiveRun(sessionKey)) : undefined;
    this.deps.broadcaster.broadcast("sessions.changed", { ...head, ...snapshot, ...runFields }, { targets: this.subscribers });
  }
}
