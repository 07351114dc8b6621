// Which connections receive a run's tool events (spec 3.1): a caller of `agent` or `chat.send`
// that advertises cap `tool-events` is registered for its run and for the other active runs of
// the same session. Entries go when the run ends or the connection closes.
import { TOOL_EVENTS_CAP } from "../../protocol/client-info.js";

export class ToolEventRecipients {
  readonly #byRun = new Map<string, Set<string>>();

  /** `activeRunIds` lists the runs of a session that have not ended yet. */
  constructor(private readonly activeRunIds: (sessionKey: string) => Iterable<string>) {}

  /** Registers the caller for the session's active runs (the one it just started included) if it has the cap. */
  addCaller(caller: { readonly connId: string; readonly caps: readonly string[] }, sessionKey: string): void {
    if (!caller.caps.includes(TOOL_EVENTS_CAP)) return;
    for (const runId of this.activeRunIds(sessionKey)) {
      const ids = this.#byRun.get(runId);
      if (ids) ids.add(caller.connId);
      else this.#byRun.set(runId, new Set([caller.connId]));
    }
  }

  /** The connections that get `runId`'s tool frames; undefined when none. */
  forRun(runId: string): ReadonlySet<string> | undefined {
    return this.#byRun.get(runId);
  }

  runEnded(runId: string): void {
    this.#byRun.delete(runId);
  }

  connectionClosed(connId: string): void {
    for (const [runId, ids] of this.#byRun) {
      if (ids.delete(connId) && ids.size === 0) this.#byRun.delete(runId);
    }
  }

  /** Runs with at least one recipient (for tests). */
  get size(): number {
    return this.#byRun.size;
  }
}
