// The cron job record (spec 2.3 `cron.add`): what is stored in jobs.json and returned by the
// cron.* methods, plus the checks a new job or a patch must pass beyond its schema.
import { randomUUID } from "node:crypto";
import { invalidRequest } from "../errors.js";
import { scheduleProblem, type CronSchedule } from "./schedule.js";

export type SessionTarget = "main" | "isolated" | "current";
export type WakeMode = "now" | "next-heartbeat";

export type CronPayload =
  | { kind: "systemEvent"; text: string }
  | { kind: "agentTurn"; message: string; model?: string; timeoutSeconds?: number };

/** Where an agentTurn's reply goes: `announce` sends it to a channel target, `none` keeps it internal. */
export interface CronDelivery {
  mode: "announce" | "none";
  channel?: string;
  to?: string;
  accountId?: string;
}

export type RunStatus = "ok" | "error" | "skipped";

export interface CronJobState {
  nextRunAtMs?: number;
  runningAtMs?: number;
  lastRunAtMs?: number;
  lastStatus?: RunStatus;
  lastError?: string;
  lastDurationMs?: number;
  consecutiveErrors?: number;
}

export interface CronJob {
  id: string;
  name: string;
  description?: string;
  enabled: boolean;
  agentId?: string;
  /** For sessionTarget `current`: the session the job was bound to when it was created. */
  sessionKey?: string;
  deleteAfterRun?: boolean;
  createdAtMs: number;
  updatedAtMs: number;
  schedule: CronSchedule;
  sessionTarget: SessionTarget;
  wakeMode: WakeMode;
  payload: CronPayload;
  delivery?: CronDelivery;
  state: CronJobState;
}

/** The writable fields of a job (cron.add params, and cron.update's patch when complete). */
export interface CronJobInput {
  name: string;
  description?: string;
  enabled?: boolean;
  agentId?: string;
  sessionKey?: string;
  deleteAfterRun?: boolean;
  schedule: CronSchedule;
  sessionTarget: SessionTarget;
  wakeMode: WakeMode;
  payload: CronPayload;
  delivery?: CronDelivery;
}

export type CronJobPatch = Partial<CronJobInput>;

/** Throws INVALID_REQUEST naming the first problem of a complete job definition. */
export function checkJob(job: CronJobInput, agentExists: (id: string) => boolean, verb: string): void {
  const fail = (msg: string) => invalidRequest(`invalid ${verb} params: ${msg}`);
  if (!job.name.trim()) throw fail("name must not be empty");
  const problem = scheduleProblem(job.schedule);
  if (problem) throw fail(problem);
  if (job.sessionTarget === "main" && job.payload.kind !== "systemEvent") {
    throw fail('sessionTarget "main" requires payload.kind "systemEvent" (use "isolated" for an agentTurn)');
  }
  if (job.sessionTarget !== "main" && job.payload.kind !== "agentTurn") {
    throw fail(`sessionTarget "${job.sessionTarget}" requires payload.kind "agentTurn" (system events go to "main")`);
  }
  if (job.payload.kind === "systemEvent" && !job.payload.text.trim()) throw fail("payload.text must not be empty");
  if (job.payload.kind === "agentTurn" && !job.payload.message.trim()) throw fail("payload.message must not be empty");
  if (job.payload.kind === "agentTurn" && job.payload.model !== undefined && !/^[^/\s]+\/\S+$/.test(job.payload.model)) {
    throw fail(`payload.model must be provider/model: ${JSON.stringify(job.payload.model)}`);
  }
  if (job.agentId !== undefined && !agentExists(job.agentId)) throw fail(`unknown agent id "${job.agentId}"`);
  if (job.delivery?.mode === "announce") {
    if (job.payload.kind !== "agentTurn") throw fail("delivery applies to agentTurn jobs only");
    if (!job.delivery.channel || !job.delivery.to) throw fail('delivery mode "announce" requires delivery.channel and delivery.to');
  }
}

export function newJob(input: CronJobInput, now: number): CronJob {
  const job: CronJob = {
    id: randomUUID(),
    name: input.name.trim(),
    enabled: input.enabled ?? true,
    createdAtMs: now,
    updatedAtMs: now,
    schedule: input.schedule,
    sessionTarget: input.sessionTarget,
    wakeMode: input.wakeMode,
    payload: input.payload,
    state: {},
  };
  for (const key of ["description", "agentId", "sessionKey", "deleteAfterRun", "delivery"] as const) {
    if (input[key] !== undefined) (job as unknown as Record<string, unknown>)[key] = input[key];
  }
  return job;
}

/** The job with `patch` applied (null in a patch is not allowed by the schema; absent keys stay). */
export function applyPatch(job: CronJob, patch: CronJobPatch, now: number): CronJob {
  const next = { ...job, ...patch, updatedAtMs: now, state: { ...job.state } } as CronJob;
  if (patch.name !== undefined) next.name = patch.name.trim();
  return next;
}

/** True when the fields that decide the next run changed. */
export function scheduleChanged(a: CronJob, b: CronJob): boolean {
  return JSON.stringify(a.schedule) !== JSON.stringify(b.schedule) || a.enabled !== b.enabled;
}
