// Scheduled work, owned by the gateway: the cron service, the heartbeat runner and the system
// events queue they share, plus `wake` (the `wake` method and `POST /hooks/wake` both land here).
import path from "node:path";
import type { RunEngine } from "../agents/engine/engine.js";
import { mainSessionKey } from "../agents/sessions/keys.js";
import { resolveHomeDir } from "../config/paths.js";
import type { OpenClawConfig } from "../config/schema.js";
import { unavailable } from "../errors.js";
import type { SubsystemLogger } from "../logging/logger.js";
import { GatewayEvents } from "../protocol/events.js";
// The cron service (with croner, the job rules and the store) is imported when start() runs,
// after the gateway listens: none of it is needed to answer the first clients.
import type { CronService } from "./cron-service.js";
import type { ChannelSender, LastRoute } from "./delivery.js";
import { HeartbeatRunner, type HeartbeatEvent } from "./heartbeat.js";
import { SystemEventQueue } from "./system-events.js";

export type { HeartbeatEvent } from "./heartbeat.js";
export type { ChannelSender } from "./delivery.js";

export interface AutomationDeps {
  stateDir: string;
  env: NodeJS.ProcessEnv;
  config(): OpenClawConfig;
  engine: RunEngine;
  defaultAgentId(): string;
  mainKey(): string;
  channels(): ChannelSender | undefined;
  /** The session's last route (what heartbeat target "last" delivers to). */
  lastRoute(agentId: string, sessionKey: string): Promise<LastRoute | undefined>;
  log(): SubsystemLogger;
  broadcast(event: "cron" | "heartbeat", payload: unknown): void;
}

export interface WakeRequest {
  mode: "now" | "next-heartbeat";
  text: string;
  agentId?: string;
  source?: string;
}

/** `<stateDir>/cron/jobs.json`, or `cron.store` (`~` expanded, relative to the state dir). */
export function resolveCronStorePath(config: OpenClawConfig, stateDir: string, env: NodeJS.ProcessEnv): string {
  const custom = config.cron?.store?.trim();
  if (!custom) return path.join(stateDir, "cron", "jobs.json");
  const home = resolveHomeDir(env);
  const expanded = custom === "~" ? home : custom.startsWith("~/") ? path.join(home, custom.slice(2)) : custom;
  return path.resolve(stateDir, expanded);
}

export class Automation {
  readonly events = new SystemEventQueue();
  readonly heartbeat: HeartbeatRunner;
  #cron: CronService | undefined;
  #cronProblem = "the gateway has not started yet";

  constructor(private readonly deps: AutomationDeps) {
    this.heartbeat = new HeartbeatRunner({
      config: deps.config,
      engine: deps.engine,
      events: this.events,
      mainKey: deps.mainKey,
      channels: deps.channels,
      lastRoute: deps.lastRoute,
      log: () => deps.log().child("heartbeat"),
      emit: (e: HeartbeatEvent) => deps.broadcast(GatewayEvents.heartbeat, e),
    });
  }

  /** The cron service; UNAVAILABLE when its store could not be opened. */
  get cron(): CronService {
    if (!this.#cron) throw unavailable(`cron is not available: ${this.#cronProblem}`);
    return this.#cron;
  }

  #started: Promise<void> = Promise.resolve();

  /** The cron service once the current start() finished (methods await this, not start()). */
  async cronReady(): Promise<CronService> {
    await this.#started;
    return this.cron;
  }

  /**
   * Loads cron jobs (applying the missed-runs rule) and arms both timers. Never throws. The
   * gateway does not wait for it: methods reach cron through cronReady().
   */
  start(opts: { delayMs?: number } = {}): Promise<void> {
    const delay = opts.delayMs ?? 0;
    this.#started = delay > 0 ? new Promise<void>((r) => setTimeout(r, delay).unref()).then(() => this.#start()) : this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    this.#cron = undefined;
    const [{ CronService, DEFAULT_MAX_CONCURRENT_RUNS }, { CronStore, DEFAULT_RUN_LOG_KEEP_LINES, DEFAULT_RUN_LOG_MAX_BYTES }] = await Promise.all([
      import("./cron-service.js"),
      import("./store.js"),
    ]);
    const config = this.deps.config();
    const runLog = config.cron?.runLog ?? {};
    const store = new CronStore(resolveCronStorePath(config, this.deps.stateDir, this.deps.env), {
      keepLines: runLog.keepLines ?? DEFAULT_RUN_LOG_KEEP_LINES,
      maxBytes: runLog.maxBytes ?? DEFAULT_RUN_LOG_MAX_BYTES,
    });
    const cronLog = () => this.deps.log().child("cron");
    const cron = new CronService({
      store,
      engine: this.deps.engine,
      events: this.events,
      heartbeat: this.heartbeat,
      schedulerEnabled: () => this.deps.config().cron?.enabled !== false && this.deps.env.OPENCLAW_SKIP_CRON !== "1",
      maxConcurrentRuns: () => this.deps.config().cron?.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS,
      defaultAgentId: this.deps.defaultAgentId,
      mainKey: this.deps.mainKey,
      channels: this.deps.channels,
      log: cronLog,
      emit: (payload) => this.deps.broadcast(GatewayEvents.cron, payload),
    });
    try {
      await cron.start();
      this.#cron = cron;
      if (config.cron?.enabled === false || this.deps.env.OPENCLAW_SKIP_CRON === "1") {
        cronLog().warn("cron scheduler is off (cron.enabled=false or OPENCLAW_SKIP_CRON=1): jobs are kept but do not fire on their own");
      }
    } catch (err) {
      this.#cronProblem = `could not open ${store.file}: ${(err as Error).message}`;
      cronLog().error(`cron ${this.#cronProblem}`);
    }
    this.heartbeat.start();
  }

  /** Stops both timers; runs in flight finish (or are aborted by the engine) and are still recorded. */
  stop(): void {
    this.#cron?.stop();
    this.heartbeat.stop();
  }

  async idle(): Promise<void> {
    await Promise.all([this.#cron?.idle(), this.heartbeat.idle()]);
  }

  /**
   * Queues `text` as a system event on the agent's main session; mode "now" runs a heartbeat at
   * once, "next-heartbeat" leaves it for the next scheduled one.
   */
  wake(req: WakeRequest): { ok: true; mode: WakeRequest["mode"] } {
    const agentId = req.agentId ?? this.deps.defaultAgentId();
    this.events.push(mainSessionKey(agentId, this.deps.mainKey()), req.text, req.source ?? "wake");
    if (req.mode === "now") void this.heartbeat.requestNow(agentId, "wake");
    return { ok: true, mode: req.mode };
  }
}
