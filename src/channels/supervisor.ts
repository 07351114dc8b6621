// The health monitor of one channel account: starts it, restarts it after failures with
// exponential backoff and jitter, restarts a connection that went quiet for too long, stops
// trying after `gateway.channelMaxRestartsPerHour` restarts, and never retries bad credentials.
// Its state is the account's ChannelAccountSnapshot.
import type { AccountEvents, ChannelAccount, ChannelAccountSnapshot, InboundMessage } from "./types.js";

export interface SupervisorTiming {
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often the stale check runs (gateway.channelHealthCheckMinutes). */
  checkIntervalMs: number;
  /** No sign of life for this long restarts the connection (gateway.channelStaleEventThresholdMinutes). */
  staleAfterMs: number;
  maxRestartsPerHour: number;
  /** A started account that has not connected after this long counts as failing in /readyz. */
  connectGraceMs: number;
  staleCheck: boolean;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  checkIntervalMs: 5 * 60_000,
  staleAfterMs: 30 * 60_000,
  maxRestartsPerHour: 10,
  connectGraceMs: 30_000,
  staleCheck: true,
};

export type HealthState = "starting" | "healthy" | "reconnecting" | "failed" | "gave-up" | "stopped";

/** The delay before restart number `attempt` (1-based): base·2^(n-1), capped, ±25% jitter. */
export function backoffDelay(attempt: number, timing: Pick<SupervisorTiming, "backoffBaseMs" | "backoffMaxMs">, random = Math.random): number {
  const raw = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.75 + random() * 0.5));
}

export class AccountSupervisor {
  #state: HealthState = "stopped";
  #running = false;
  #connected = false;
  #attempts = 0;
  #restarts: number[] = [];
  #lastError: string | null = null;
  #lastConnectedAt: number | null = null;
  #lastStartAt: number | null = null;
  #lastStopAt: number | null = null;
  #lastActivityAt = 0;
  #lastInboundAt: number | null = null;
  #restartTimer: NodeJS.Timeout | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  // Bumped on every (re)start so events from an old connection are ignored.
  #generation = 0;
  lastOutboundAt: number | null = null;

  constructor(
    readonly account: ChannelAccount,
    private timing: SupervisorTiming,
    private readonly onInbound: (msg: InboundMessage) => void,
    private readonly log: { info(m: string): void; warn(m: string): void; error(m: string): void },
    private readonly now: () => number = Date.now,
  ) {}

  get state(): HealthState {
    return this.#state;
  }

  setTiming(timing: SupervisorTiming): void {
    this.timing = timing;
    if (this.#checkTimer) this.#armStaleCheck();
  }

  async start(): Promise<void> {
    this.#running = true;
    this.#attempts = 0;
    this.#armStaleCheck();
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const gen = ++this.#generation;
    this.#state = this.#attempts > 0 ? "reconnecting" : "starting";
    this.#lastStartAt = this.now();
    this.#lastActivityAt = this.now();
    const live = () => gen === this.#generation && this.#running;
    const events: AccountEvents = {
      connected: () => {
        if (!live()) return;
        if (!this.#connected) this.#lastConnectedAt = this.now();
        this.#connected = true;
        this.#attempts = 0;
        this.#lastError = null;
        this.#state = "healthy";
        this.#lastActivityAt = this.now();
      },
      activity: () => {
        if (live()) this.#lastActivityAt = this.now();
      },
      inbound: (msg) => {
        if (!live()) return;
        this.#lastInboundAt = this.#lastActivityAt = this.now();
        this.onInbound(msg);
      },
      failed: (error, opts = {}) => {
        if (live()) this.#onFailure(error, opts);
      },
    };
    try {
      await this.account.start(events);
    } catch (err) {
      if (live()) this.#onFailure((err as Error).message, {});
    }
  }

  #onFailure(error: string, opts: { fatal?: boolean; retryAfterMs?: number }) {
    this.#connected = false;
    this.#lastError = error;
    this.#generation++;
    void this.account.stop().catch(() => {});
    if (opts.fatal) {
      this.#state = "failed";
      this.log.error(`${this.account.accountId}: ${error}; not reconnecting (fix the config, then restart the channel)`);
      return;
    }
    const now = this.now();
    this.#restarts = this.#restarts.filter((t) => now - t < 3_600_000);
    if (this.#restarts.length >= this.timing.maxRestartsPerHour) {
      this.#state = "gave-up";
      this.#lastError = `${error} (gave up: ${this.#restarts.length} restarts in the last hour, gateway.channelMaxRestartsPerHour=${this.timing.maxRestartsPerHour})`;
      this.log.error(`${this.account.accountId}: ${this.#lastError}`);
      return;
    }
    this.#attempts++;
    const delay = Math.max(backoffDelay(this.#attempts, this.timing), opts.retryAfterMs ?? 0);
    this.#state = "reconnecting";
    this.log.warn(`${this.account.accountId}: ${error}; reconnecting in ${delay} ms (attempt ${this.#attempts})`);
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      if (!this.#running) return;
      this.#restarts.push(this.now());
      void this.#connect();
    }, delay);
    this.#restartTimer.unref?.();
  }

  #armStaleCheck() {
    clearInterval(this.#checkTimer);
    this.#checkTimer = undefined;
    if (!this.timing.staleCheck) return;
    this.#checkTimer = setInterval(() => {
      if (!this.#running || !this.#connected || this.account.staleCheck === false) return;
      const quiet = this.now() - this.#lastActivityAt;
      if (quiet > this.timing.staleAfterMs) this.#onFailure(`stale connection: no events for ${Math.round(quiet / 1000)} s`, {});
    }, this.timing.checkIntervalMs);
    this.#checkTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#generation++;
    clearTimeout(this.#restartTimer);
    clearInterval(this.#checkTimer);
    this.#checkTimer = undefined;
    this.#connected = false;
    this.#state = "stopped";
    this.#lastStopAt = this.now();
    await this.account.stop();
  }

  /** Failing for /readyz: gave up, bad credentials, or not connected past the grace period. */
  failing(): boolean {
    if (!this.#running) return this.#state === "failed" || this.#state === "gave-up";
    if (this.#state === "failed" || this.#state === "gave-up") return true;
    return !this.#connected && this.now() - (this.#lastStartAt ?? 0) > this.timing.connectGraceMs;
  }

  snapshot(): ChannelAccountSnapshot {
    return {
      accountId: this.account.accountId,
      running: this.#running && this.#state !== "failed" && this.#state !== "gave-up",
      connected: this.#connected,
      healthState: this.#state,
      reconnectAttempts: this.#attempts,
      lastConnectedAt: this.#lastConnectedAt,
      lastError: this.#lastError,
      lastStartAt: this.#lastStartAt,
      lastStopAt: this.#lastStopAt,
      lastInboundAt: this.#lastInboundAt,
      lastOutboundAt: this.lastOutboundAt,
      ...this.account.snapshot(),
    };
  }
}
