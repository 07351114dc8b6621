// System events waiting for the next heartbeat (`wake` with mode "next-heartbeat"). Bounded: the
// oldest event goes first when it is full.
//
// Delivery depends on the heartbeat runner, which does not exist yet: until it does, queued events
// reach the agent only when a later `wake` with mode "now" drains them into its run. The heartbeat
// issue should drain this queue (it is exposed on the stage as `wakeQueue`).

export interface QueuedWake {
  text: string;
  queuedAt: number;
}

export const WAKE_QUEUE_MAX = 100;

export class HookWakeQueue {
  readonly #items: QueuedWake[] = [];

  constructor(
    readonly max = WAKE_QUEUE_MAX,
    private readonly now: () => number = Date.now,
  ) {}

  push(text: string): void {
    this.#items.push({ text, queuedAt: this.now() });
    if (this.#items.length > this.max) this.#items.splice(0, this.#items.length - this.max);
  }

  /** Takes every queued event, oldest first. */
  drain(): QueuedWake[] {
    return this.#items.splice(0, this.#items.length);
  }

  get size(): number {
    return this.#items.length;
  }
}
