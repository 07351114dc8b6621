// The heartbeat runner: a periodic turn in each agent's main session (one timer for the earliest
// due agent), quiet unless the agent has something to say. System events queued by `wake`, hooks
// and cron jobs ride on the next heartbeat; `wake` mode "now" runs one at once.
import fs from "node:fs/promises";
import path from "node:path";
import type { RunEngine } from "../agents/engine/engine.js";
import { mainSessionKey } from "../agents/sessions/keys.js";
import type { OpenClawConfig } from "../config/schema.js";
import type { SubsystemLogger } from "../logging/logger.js";
import { deliver, type ChannelSender, type DeliveryOutcome, type LastRoute } from "./delivery.js";
import { classifyReply, HEARTBEAT_FILE, isEffectivelyEmpty, resolveAllHeartbeats, resolveHeartbeat, type HeartbeatSettings } from "./heartbeat-config.js";
import { SYSTEM_EVENT_PREFIX, type SystemEventQueue } from "./system-events.js";
import { MAX_TIMER_MS } from "./timer.js";

export type HeartbeatReason = "interval" | "wake" | "cron";

/** The `heartbeat` event payload and the `last-heartbeat` result. */
export interface HeartbeatEvent {
  ts: number;
  agentId: string;
  reason: HeartbeatReason;
  /** sent: an alert was delivered; ok-token / ok-empty: nothing to say; skipped / failed: see `why`. */
  status: "sent" | "ok-token" | "ok-empty" | "skipped" | "failed";
  why?: string;
  runId?: string;
  sessionKey?: string;
  durationMs?: number;
  preview?: string;
  systemEvents?: number;
  delivery?: DeliveryOutcome;
}

export interface HeartbeatDeps {
  config(): OpenClawConfig;
  engine: RunEngine;
  events: SystemEventQueue;
  mainKey(): string;
  channels(): ChannelSender | undefined;
  /** The session's last route (target "last"). */
  lastRoute(agentId: string, sessionKey: string): Promise<LastRoute | undefined>;
  log(): SubsystemLogger;
  emit(event: HeartbeatEvent): void;
}

const PREVIEW_CHARS = 200;

export class HeartbeatRunner {
  #enabled = true;
  #started = false;
  // Set by stop() only: a wake asked for before start() (the gateway starts automation shortly
  // after it listens) is still owed its run; one after stop() is not.
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #due = new Map<string, { everyMs: number; dueAt: number }>();
  readonly #running = new Map<string, Promise<HeartbeatEvent>>();
  readonly #again = new Set<string>();
  #last: HeartbeatEvent | null = null;

  constructor(private readonly deps: HeartbeatDeps) {}

  get enabled(): boolean {
    return this.#enabled;
  }

  get last(): HeartbeatEvent | null {
    return this.#last;
  }

  start(now = Date.now()): void {
    this.#started = true;
    this.#stopped = false;
    this.#due.clear();
    this.#arm(now);
  }

  stop(): void {
    this.#started = false;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Waits for heartbeat runs in flight (shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.#running.values()]);
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (this.#started) this.#arm(Date.now());
  }

  settings(): HeartbeatSettings[] {
    return resolveAllHeartbeats(this.deps.config());
  }

  /** Runs a heartbeat for `agentId` now (or right after the one in flight). */
  requestNow(agentId: string, reason: HeartbeatReason): Promise<HeartbeatEvent> | undefined {
    const running = this.#running.get(agentId);
    if (running) {
      this.#again.add(agentId);
      return running;
    }
    return this.#run(agentId, reason);
  }

  #arm(now: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#started || !this.#enabled) return;
    const wanted = this.settings().filter((s) => s.enabled);
    for (const id of [...this.#due.keys()]) if (!wanted.some((s) => s.agentId === id)) this.#due.delete(id);
    let earliest = Infinity;
    for (const s of wanted) {
      let slot = this.#due.get(s.agentId);
      if (!slot || slot.everyMs !== s.everyMs) {
        slot = { everyMs: s.everyMs, dueAt: now + s.everyMs };
        this.#due.set(s.agentId, slot);
      }
      earliest = Math.min(earliest, slot.dueAt);
    }
    if (earliest === Infinity) return;
    const delay = Math.min(Math.max(0, earliest - now), MAX_TIMER_MS);
    this.#timer = setTimeout(() => this.#onTimer(), delay);
    this.#timer.unref();
  }

  #onTimer(): void {
    const now = Date.now();
    for (const [agentId, slot] of this.#due) {
      if (slot.dueAt > now) continue;
      // Fixed slots: a slow run or a sleeping laptop skips slots instead of shifting them.
      slot.dueAt += Math.max(1, Math.ceil((now - slot.dueAt + 1) / slot.everyMs)) * slot.everyMs;
      if (!this.#running.has(agentId)) void this.#run(agentId, "interval");
    }
    this.#arm(now);
  }

  #run(agentId: string, reason: HeartbeatReason): Promise<HeartbeatEvent> {
    const p = this.#execute(agentId, reason)
      .catch((err): HeartbeatEvent => ({ ts: Date.now(), agentId, reason, status: "failed", why: (err as Error).message }))
      .then((event) => {
        this.#running.delete(agentId);
        this.#last = event;
        this.deps.emit(event);
        const level = event.status === "failed" ? "warn" : "info";
        this.deps.log()[level](`heartbeat ${agentId} (${reason}): ${event.status}${event.why ? ` (${event.why})` : ""}`);
        if (this.#again.delete(agentId) && !this.#stopped) void this.requestNow(agentId, "wake");
        return event;
      });
    this.#running.set(agentId, p);
    return p;
  }

  async #execute(agentId: string, reason: HeartbeatReason): Promise<HeartbeatEvent> {
    const started = Date.now();
    const base = { ts: started, agentId, reason };
    if (!this.#enabled) return { ...base, status: "skipped", why: "heartbeats are disabled (set-heartbeats)" };
    const config = this.deps.config();
    const settings = resolveHeartbeat(config, agentId);
    const agent = this.deps.engine.agent(agentId);
    if (!agent) return { ...base, status: "skipped", why: `unknown agent id "${agentId}"` };
    const sessionKey = mainSessionKey(agentId, this.deps.mainKey());
    const file = await readHeartbeatFile(agent.workspace);
    const pending = this.deps.events.size(sessionKey);
    // Nothing queued and a HEARTBEAT.md with nothing in it: no model call at all.
    if (pending === 0 && file !== null && isEffectivelyEmpty(file)) return { ...base, status: "skipped", why: `${HEARTBEAT_FILE} is empty`, sessionKey };
    if (agent.models.length === 0 && !settings.model) return { ...base, status: "skipped", why: "no model is configured", sessionKey };
    const events = this.deps.events.drain(sessionKey);
    const message = [...events.map((e) => SYSTEM_EVENT_PREFIX + e.text), ...(events.length ? [""] : []), settings.prompt].join("\n");
    const extra = file?.trim() ? `## ${HEARTBEAT_FILE}\n${file.trim()}` : undefined;
    let handle;
    try {
      handle = this.deps.engine.start({
        agentId,
        sessionKey,
        message,
        ...(extra ? { extraSystemPrompt: extra } : {}),
        ...(settings.model ? { modelOverride: settings.model } : {}),
        // HEARTBEAT_OK (or nothing) is not shown to clients; an alert is, once complete.
        silentReply: (text) => classifyReply(text, settings.ackMaxChars).kind !== "alert",
      });
    } catch (err) {
      this.deps.events.restore(sessionKey, events);
      return { ...base, status: "failed", why: (err as Error).message, sessionKey };
    }
    const result = await handle.done;
    const run = { ...base, runId: handle.runId, sessionKey, durationMs: Date.now() - started, systemEvents: events.length };
    if (result.status !== "ok") return { ...run, status: "failed", why: result.error?.message ?? `run ${result.status}` };
    const reply = classifyReply(result.text, settings.ackMaxChars);
    if (reply.kind === "empty") return { ...run, status: "ok-empty" };
    if (reply.kind === "ack") return { ...run, status: "ok-token" };
    const preview = reply.rest.slice(0, PREVIEW_CHARS);
    if (settings.target === "none") return { ...run, status: "skipped", why: 'target is "none": the alert stays in the main session', preview };
    let target = { channel: settings.target, to: settings.to, accountId: settings.accountId };
    if (settings.target === "last") {
      const last = await this.deps.lastRoute(agentId, sessionKey);
      if (!last) return { ...run, status: "failed", why: 'heartbeat target "last": the main session has not been reached from a chat yet', preview };
      target = settings.to ? { channel: last.channel, to: settings.to, accountId: settings.accountId } : { ...last, accountId: settings.accountId ?? last.accountId };
    }
    if (!target.to) return { ...run, status: "failed", why: `heartbeat target "${settings.target}" needs "to"`, preview };
    const delivery = await deliver(this.deps.channels(), {
      channel: target.channel,
      to: target.to,
      text: reply.rest,
      idempotencyKey: `heartbeat:${handle.runId}`,
      ...(target.accountId ? { accountId: target.accountId } : {}),
    });
    return delivery.status === "sent"
      ? { ...run, status: "sent", preview, delivery }
      : { ...run, status: "failed", why: `delivery failed: ${delivery.error}`, preview, delivery };
  }
}

async function readHeartbeatFile(workspace: string): Promise<string | null> {
  try {
    return await fs.readFile(path.join(workspace, HEARTBEAT_FILE), "utf8");
  } catch {
    return null;
  }
}
