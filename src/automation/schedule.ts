// When a cron job runs: one-shot `at`, fixed `every` interval (anchored, so runs never drift),
// or a cron expression in a time zone (croner). Pure functions of (schedule, time).
import { Cron } from "croner";

export type CronSchedule =
  | { kind: "at"; at: string }
  | { kind: "every"; everyMs: number; anchorMs?: number }
  | { kind: "cron"; expr: string; tz?: string; staggerMs?: number };

/** Why a schedule cannot be used, or null when it is fine. */
export function scheduleProblem(s: CronSchedule): string | null {
  if (s.kind === "at") return Number.isFinite(Date.parse(s.at)) ? null : `schedule.at is not an ISO date-time: ${JSON.stringify(s.at)}`;
  if (s.kind === "every") return Number.isInteger(s.everyMs) && s.everyMs >= 1000 ? null : "schedule.everyMs must be an integer of at least 1000";
  if (s.tz !== undefined && !isTimeZone(s.tz)) return `unknown time zone: ${JSON.stringify(s.tz)}`;
  try {
    cronFor(s);
  } catch (err) {
    return `invalid cron expression ${JSON.stringify(s.expr)}: ${(err as Error).message}`;
  }
  return null;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function cronFor(s: { expr: string; tz?: string }): Cron {
  // Paused: croner never schedules anything itself; the service owns the one timer.
  return new Cron(s.expr, { paused: true, ...(s.tz ? { timezone: s.tz } : {}) });
}

/** A stable offset in [0, staggerMs) per job, so jobs sharing an expression do not fire together. */
export function staggerOffset(jobId: string, staggerMs: number | undefined): number {
  if (!staggerMs || staggerMs <= 0) return 0;
  let h = 2166136261;
  for (let i = 0; i < jobId.length; i++) h = Math.imul(h ^ jobId.charCodeAt(i), 16777619);
  return (h >>> 0) % staggerMs;
}

/**
 * The first run strictly after `afterMs`, or undefined when there is none (an `at` in the past).
 * `every` counts from its anchor (`anchorMs`, else the job's creation), so the slots are fixed and
 * a late run never shifts the next one.
 */
export function nextRunAfter(s: CronSchedule, afterMs: number, ctx: { createdAtMs: number; jobId: string }): number | undefined {
  if (s.kind === "at") {
    const at = Date.parse(s.at);
    return at > afterMs ? at : undefined;
  }
  if (s.kind === "every") {
    const anchor = s.anchorMs ?? ctx.createdAtMs;
    if (afterMs < anchor) return anchor;
    return anchor + (Math.floor((afterMs - anchor) / s.everyMs) + 1) * s.everyMs;
  }
  const offset = staggerOffset(ctx.jobId, s.staggerMs);
  const next = cronFor(s).nextRun(new Date(afterMs - offset));
  return next ? next.getTime() + offset : undefined;
}

const MISSED_COUNT_CAP = 10_000;

/** How many scheduled runs fall in [fromMs, toMs] (capped), for the missed-runs log line. */
export function countRunsBetween(s: CronSchedule, fromMs: number, toMs: number, ctx: { createdAtMs: number; jobId: string }): number {
  if (toMs < fromMs) return 0;
  if (s.kind === "at") {
    const at = Date.parse(s.at);
    return at >= fromMs && at <= toMs ? 1 : 0;
  }
  if (s.kind === "every") {
    const first = nextRunAfter(s, fromMs - 1, ctx)!;
    return first > toMs ? 0 : Math.min(MISSED_COUNT_CAP, Math.floor((toMs - first) / s.everyMs) + 1);
  }
  let n = 0;
  let t = fromMs - 1;
  while (n < MISSED_COUNT_CAP) {
    const next = nextRunAfter(s, t, ctx);
    if (next === undefined || next > toMs) break;
    n++;
    t = next;
  }
  return n;
}
