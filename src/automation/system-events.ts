// System events waiting for a session's next heartbeat (`wake`, `/hooks/wake`, cron systemEvent
// jobs). One bounded queue per session key: when full, the oldest event goes first.

export interface SystemEvent {
  text: string;
  queuedAt: number;
  source: string;
}

export const SYSTEM_EVENTS_MAX = 100;
/** How a system event is shown to the agent (kept from the hooks ingress, which used it first). */
export const SYSTEM_EVENT_PREFIX = "System event: ";

export class SystemEventQueue {
  readonly #bySession = new Map<string, SystemEvent[]>();

  constructor(
    readonly max = SYSTEM_EVENTS_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  push(sessionKey: string, text: string, source: string): void {
    const list = this.#bySession.get(sessionKey) ?? [];
    list.push({ text, queuedAt: this.now(), source });
    if (list.length > this.max) list.splice(0, list.length - this.max);
    this.#bySession.set(sessionKey, list);
  }

  /** Takes a session's events, oldest first. */
  drain(sessionKey: string): SystemEvent[] {
    const list = this.#bySession.get(sessionKey) ?? [];
    this.#bySession.delete(sessionKey);
    return list;
  }

  /** Puts events back at the front (a run that could not start). */
  restore(sessionKey: string, events: SystemEvent[]): void {
    if (events.length === 0) return;
    const rest = this.#bySession.get(sessionKey) ?? [];
    this.#bySession.set(sessionKey, [...events, ...rest].slice(-this.max));
  }

  size(sessionKey: string): number {
    return this.#bySession.get(sessionKey)?.length ?? 0;
  }

  /** Every queued text, for `status.queuedSystemEvents`. */
  texts(): string[] {
    return [...this.#bySession.values()].flat().map((e) => e.text);
  }
}
