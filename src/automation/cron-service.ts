// The cron scheduler: jobs from the store, one timer for the earliest due job (rearmed on every
// change), at most `cron.maxConcurrentRuns` runs at once, a bounded history per job, and a stated
// rule for runs missed while the gateway was down (see `start`).
import { randomUUID } from "node:crypto";
import type { RunEngine } from "../agents/engine/engine.js";
import { invalidRequest } from "../errors.js";
import type { SubsystemLogger } from "../logging/logger.js";
import type { ChannelSender } from "./delivery.js";
import { runPayload } from "./cron-run.js";
import type { HeartbeatRunner } from "./heartbeat.js";
import { applyPatch, checkJob, newJob, type CronJob, type CronJobInput, type CronJobPatch, type RunStatus } from "./jobs.js";
import { countRunsBetween, nextRunAfter } from "./schedule.js";
import type { CronRunEntry, CronStore } from "./store.js";
import type { SystemEventQueue } from "./system-events.js";
import { MAX_TIMER_MS } from "./timer.js";

export const DEFAULT_MAX_CONCURRENT_RUNS = 1;

export interface CronDeps {
  store: CronStore;
  engine: RunEngine;
  events: SystemEventQueue;
  heartbeat: HeartbeatRunner;
  /** False when `cron.enabled` is false or OPENCLAW_SKIP_CRON=1: jobs are kept and managed but never fire on their own. */
  schedulerEnabled(): boolean;
  maxConcurrentRuns(): number;
  defaultAgentId(): string;
  mainKey(): string;
  channels(): ChannelSender | undefined;
  log(): SubsystemLogger;
  emit(payload: Record<string, unknown>): void;
  now?: () => number;
}

type Trigger = CronRunEntry["trigger"];
interface Pending {
  job: CronJob;
  trigger: Trigger;
  runId: string;
  /** The scheduled time this run stands for (absent for manual runs). */
  dueAtMs?: number;
  missedRuns?: number;
}

export interface CronRunsQuery {
  scope?: "job" | "all";
  id?: string;
  limit?: number;
  offset?: number;
  statuses?: RunStatus[];
  sortDir?: "asc" | "desc";
}

export class CronService {
  #jobs: CronJob[] = [];
  #loaded: Promise<void> | undefined;
  #started = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #queue: Pending[] = [];
  readonly #active = new Map<string, Promise<void>>();
  readonly #catchUp = new Map<string, number>();
  readonly #now: () => number;

  constructor(private readonly deps: CronDeps) {
    this.#now = deps.now ?? Date.now;
  }

  get storePath(): string {
    return this.deps.store.file;
  }

  /**
   * Loads the jobs and applies the missed-runs rule: a recurring job whose next run passed while
   * the gateway was down runs once now (the log line says how many runs were missed), and a
   * one-shot `at` job whose time passed without a run runs once now. A job that was running when
   * the gateway died gets an "interrupted" entry in its history.
   */
  async start(): Promise<void> {
    this.#loaded ??= this.#load();
    await this.#loaded;
    this.#started = true;
    this.#arm();
  }

  async #load(): Promise<void> {
    const now = this.#now();
    const log = this.deps.log();
    const loaded = await this.deps.store.load(now);
    if (loaded.corruptCopy) log.error(`cron: ${this.storePath} could not be read (${loaded.problem}); kept it as ${loaded.corruptCopy} and started with no jobs`);
    this.#jobs = loaded.jobs;
    let changed = false;
    for (const job of this.#jobs) {
      if (job.state.runningAtMs !== undefined) {
        await this.#appendRun({
          ts: now, jobId: job.id, jobName: job.name, action: "finished", trigger: "schedule", status: "error",
          runAtMs: job.state.runningAtMs, durationMs: now - job.state.runningAtMs, error: "interrupted: the gateway stopped during this run",
        });
        job.state = { ...job.state, runningAtMs: undefined, lastStatus: "error", lastError: "interrupted: the gateway stopped during this run" };
        changed = true;
      }
      if (!job.enabled) continue;
      const ctx = { createdAtMs: job.createdAtMs, jobId: job.id };
      const planned = job.state.nextRunAtMs;
      if (job.schedule.kind === "at") {
        const at = Date.parse(job.schedule.at);
        if (job.state.lastRunAtMs === undefined && at <= now) {
          log.warn(`cron: one-shot job ${job.id} "${job.name}" was due at ${job.schedule.at} while the gateway was down; running it once now`);
          this.#catchUp.set(job.id, 1);
          job.state.nextRunAtMs = now;
          changed = true;
        } else if (job.state.lastRunAtMs === undefined && planned === undefined) {
          job.state.nextRunAtMs = at;
          changed = true;
        }
      } else if (planned !== undefined && planned <= now) {
        const missed = countRunsBetween(job.schedule, planned, now, ctx);
        log.warn(`cron: job ${job.id} "${job.name}" missed ${missed} run(s) while the gateway was down (first due ${new Date(planned).toISOString()}); running it once now`);
        this.#catchUp.set(job.id, missed);
        job.state.nextRunAtMs = now;
        changed = true;
      } else if (planned === undefined) {
        job.state.nextRunAtMs = nextRunAfter(job.schedule, now, ctx);
        changed = true;
      }
    }
    if (changed) await this.#save();
  }

  stop(): void {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
  }

  /** Waits for runs in flight to be recorded (after the engine aborted or finished them). */
  async idle(): Promise<void> {
    while (this.#active.size) await Promise.all([...this.#active.values()]);
  }

  async #ready(): Promise<void> {
    this.#loaded ??= this.#load();
    await this.#loaded;
  }

  async list(includeDisabled = false): Promise<CronJob[]> {
    await this.#ready();
    const jobs = this.#jobs.filter((j) => includeDisabled || j.enabled);
    return [...jobs].sort((a, b) => (a.state.nextRunAtMs ?? Infinity) - (b.state.nextRunAtMs ?? Infinity));
  }

  async get(id: string): Promise<CronJob> {
    await this.#ready();
    const job = this.#jobs.find((j) => j.id === id);
    if (!job) throw invalidRequest(`unknown cron job id "${id}"`);
    return job;
  }

  async status() {
    await this.#ready();
    const next = this.#nextDue();
    return {
      enabled: this.deps.schedulerEnabled(),
      storePath: this.storePath,
      jobs: this.#jobs.length,
      enabledJobs: this.#jobs.filter((j) => j.enabled).length,
      running: this.#active.size,
      queued: this.#queue.length,
      maxConcurrentRuns: this.deps.maxConcurrentRuns(),
      nextWakeAtMs: next === Infinity ? null : next,
    };
  }

  async add(input: CronJobInput, agentExists: (id: string) => boolean): Promise<CronJob> {
    await this.#ready();
    checkJob(input, agentExists, "cron.add");
    const now = this.#now();
    const job = newJob(input, now);
    job.state.nextRunAtMs = this.#firstRun(job, now);
    this.#jobs.push(job);
    await this.#save();
    this.deps.emit({ jobId: job.id, action: "added", nextRunAtMs: job.state.nextRunAtMs });
    this.#arm();
    return job;
  }

  async update(id: string, patch: CronJobPatch, agentExists: (id: string) => boolean): Promise<CronJob> {
    const job = await this.get(id);
    const now = this.#now();
    const next = applyPatch(job, patch, now);
    checkJob(next, agentExists, "cron.update");
    if (JSON.stringify(job.schedule) !== JSON.stringify(next.schedule) || (!job.enabled && next.enabled)) {
      // A new schedule (or a re-enabled job) starts over: an `at` that already ran may run again.
      if (JSON.stringify(job.schedule) !== JSON.stringify(next.schedule)) delete next.state.lastRunAtMs;
      next.state.nextRunAtMs = this.#firstRun(next, now);
    }
    if (!next.enabled) delete next.state.nextRunAtMs;
    // In place: a run in flight holds this object and records its outcome on it.
    Object.assign(job, next);
    await this.#save();
    this.deps.emit({ jobId: id, action: "updated", nextRunAtMs: job.state.nextRunAtMs });
    this.#arm();
    return job;
  }

  async remove(id: string): Promise<{ ok: true; removed: boolean }> {
    await this.#ready();
    const idx = this.#jobs.findIndex((j) => j.id === id);
    if (idx < 0) return { ok: true, removed: false };
    this.#jobs.splice(idx, 1);
    for (let i = this.#queue.length - 1; i >= 0; i--) if (this.#queue[i]!.job.id === id) this.#queue.splice(i, 1);
    await this.#save();
    await this.deps.store.removeRuns(id);
    this.deps.emit({ jobId: id, action: "removed" });
    this.#arm();
    return { ok: true, removed: true };
  }

  /** `cron.run`: "force" (default) runs now; "due" runs only when the job is due. */
  async run(id: string, mode: "due" | "force" = "force") {
    const job = await this.get(id);
    if (this.#isBusy(id)) return { ok: true, ran: false, reason: "already-running" };
    if (mode === "due" && !(job.enabled && job.state.nextRunAtMs !== undefined && job.state.nextRunAtMs <= this.#now())) {
      return { ok: true, ran: false, reason: "not-due" };
    }
    const runId = randomUUID();
    this.#queue.push({ job, trigger: "manual", runId });
    this.#pump();
    return { ok: true, enqueued: true, runId };
  }

  async runs(q: CronRunsQuery) {
    await this.#ready();
    const scope = q.scope ?? (q.id ? "job" : "all");
    if (scope === "job" && !q.id) throw invalidRequest("invalid cron.runs params: id required for scope \"job\"");
    let entries = scope === "job" ? await this.deps.store.readRuns(q.id!) : await this.deps.store.readAllRuns();
    if (q.statuses?.length) entries = entries.filter((e) => q.statuses!.includes(e.status));
    entries.sort((a, b) => (q.sortDir === "asc" ? a.ts - b.ts : b.ts - a.ts));
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 50;
    const page = entries.slice(offset, offset + limit);
    const hasMore = offset + page.length < entries.length;
    return { entries: page, total: entries.length, offset, limit, hasMore, nextOffset: hasMore ? offset + page.length : null };
  }

  #firstRun(job: CronJob, now: number): number | undefined {
    if (!job.enabled) return undefined;
    // An `at` already in the past when added runs at once.
    if (job.schedule.kind === "at") return Math.max(Date.parse(job.schedule.at), now);
    return nextRunAfter(job.schedule, now, { createdAtMs: job.createdAtMs, jobId: job.id });
  }

  #isBusy(id: string): boolean {
    return this.#active.has(id) || this.#queue.some((p) => p.job.id === id);
  }

  #nextDue(): number {
    let next = Infinity;
    for (const j of this.#jobs) {
      if (j.enabled && j.state.nextRunAtMs !== undefined && !this.#isBusy(j.id)) next = Math.min(next, j.state.nextRunAtMs);
    }
    return next;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#started || !this.deps.schedulerEnabled()) return;
    const next = this.#nextDue();
    if (next === Infinity) return;
    const delay = Math.min(Math.max(0, next - this.#now()), MAX_TIMER_MS);
    this.#timer = setTimeout(() => void this.#onTimer(), delay);
  }

  #onTimer(): void {
    this.#timer = undefined;
    const now = this.#now();
    for (const job of this.#jobs) {
      const due = job.state.nextRunAtMs;
      if (!job.enabled || due === undefined || due > now || this.#isBusy(job.id)) continue;
      // nextRunAtMs moves on only when the run starts: a run still queued when the gateway stops
      // stays due, and the missed-runs rule picks it up at the next start.
      const missed = this.#catchUp.get(job.id);
      this.#catchUp.delete(job.id);
      this.#queue.push({ job, trigger: missed !== undefined ? "catch-up" : "schedule", runId: randomUUID(), dueAtMs: due, ...(missed !== undefined ? { missedRuns: missed } : {}) });
    }
    this.#pump();
    this.#arm();
  }

  #pump(): void {
    const max = Math.max(1, this.deps.maxConcurrentRuns());
    while (this.#active.size < max && this.#queue.length) {
      const next = this.#queue.shift()!;
      const p = this.#execute(next)
        .catch((err) => this.deps.log().error(`cron: job ${next.job.id} failed to record its run: ${(err as Error).message}`))
        .finally(() => {
          this.#active.delete(next.job.id);
          this.#pump();
          this.#arm();
        });
      this.#active.set(next.job.id, p);
    }
  }

  async #execute(p: Pending): Promise<void> {
    // The job may have been edited since it was queued: run the current definition.
    const job = this.#jobs.find((j) => j.id === p.job.id);
    if (!job) return;
    const startedAt = this.#now();
    if (p.dueAtMs !== undefined) {
      // The next slot comes from the schedule, never from when this run ends: no drift.
      job.state.nextRunAtMs = job.schedule.kind === "at" ? undefined : nextRunAfter(job.schedule, Math.max(startedAt, p.dueAtMs), { createdAtMs: job.createdAtMs, jobId: job.id });
    }
    job.state.runningAtMs = startedAt;
    await this.#save();
    this.deps.emit({ jobId: job.id, action: "started", runAtMs: startedAt, runId: p.runId, trigger: p.trigger });
    const agentId = job.agentId ?? this.deps.defaultAgentId();
    const entry: CronRunEntry = {
      ts: startedAt, jobId: job.id, jobName: job.name, action: "finished", trigger: p.trigger, status: "ok",
      runAtMs: startedAt, durationMs: 0, runId: p.runId, ...(p.missedRuns !== undefined ? { missedRuns: p.missedRuns } : {}),
    };
    await runPayload(job, agentId, p.runId, entry, this.deps);
    const endedAt = this.#now();
    entry.ts = endedAt;
    entry.durationMs = endedAt - startedAt;
    const state = job.state;
    delete state.runningAtMs;
    state.lastRunAtMs = startedAt;
    state.lastStatus = entry.status;
    state.lastDurationMs = entry.durationMs;
    if (entry.status === "error") {
      state.lastError = entry.error;
      state.consecutiveErrors = (state.consecutiveErrors ?? 0) + 1;
    } else {
      delete state.lastError;
      state.consecutiveErrors = 0;
    }
    if (job.schedule.kind === "at" && p.trigger !== "manual") {
      job.enabled = false;
      delete state.nextRunAtMs;
    }
    if (state.nextRunAtMs !== undefined) entry.nextRunAtMs = state.nextRunAtMs;
    await this.#appendRun(entry);
    if (job.deleteAfterRun && job.schedule.kind === "at" && entry.status === "ok" && this.#jobs.includes(job)) {
      this.#jobs.splice(this.#jobs.indexOf(job), 1);
      this.deps.emit({ jobId: job.id, action: "removed" });
    }
    if (this.#jobs.includes(job) || job.deleteAfterRun) await this.#save();
    const level = entry.status === "error" ? "warn" : "info";
    this.deps.log()[level](`cron: job ${job.id} "${job.name}" (${p.trigger}) ${entry.status}${entry.error ? `: ${entry.error}` : ""} in ${entry.durationMs} ms`);
    this.deps.emit({ jobId: job.id, action: "finished", runId: p.runId, status: entry.status, ...(entry.error ? { error: entry.error } : {}), ...(entry.summary ? { summary: entry.summary } : {}), durationMs: entry.durationMs, nextRunAtMs: state.nextRunAtMs });
  }

  async #appendRun(entry: CronRunEntry): Promise<void> {
    try {
      await this.deps.store.appendRun(entry);
    } catch (err) {
      this.deps.log().error(`cron: could not append to the run history of ${entry.jobId}: ${(err as Error).message}`);
    }
  }

  #save(): Promise<void> {
    return this.deps.store.save(this.#jobs);
  }
}
