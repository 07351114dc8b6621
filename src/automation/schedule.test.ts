import { describe, expect, it } from "vitest";
import { parseDurationMs, formatDurationMs } from "./duration.js";
import { countRunsBetween, nextRunAfter, scheduleProblem, staggerOffset } from "./schedule.js";

const ctx = { createdAtMs: Date.parse("2026-01-01T00:00:00Z"), jobId: "job-1" };
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("schedules", () => {
  it("at: the time itself while in the future, nothing once it has passed", () => {
    const s = { kind: "at" as const, at: "2026-05-01T10:00:00Z" };
    expect(iso(nextRunAfter(s, Date.parse("2026-04-30T00:00:00Z"), ctx))).toBe("2026-05-01T10:00:00.000Z");
    expect(nextRunAfter(s, Date.parse("2026-05-01T10:00:00Z"), ctx)).toBeUndefined();
    expect(nextRunAfter(s, Date.parse("2027-01-01T00:00:00Z"), ctx)).toBeUndefined();
  });

  it("every: fixed slots from the anchor, so a late tick never shifts the next run", () => {
    const s = { kind: "every" as const, everyMs: 60_000 };
    const t0 = ctx.createdAtMs;
    expect(nextRunAfter(s, t0, ctx)).toBe(t0 + 60_000);
    // 95 s late: the next slot is still on the minute grid.
    expect(nextRunAfter(s, t0 + 155_000, ctx)).toBe(t0 + 180_000);
    expect(nextRunAfter({ ...s, anchorMs: t0 + 5_000 }, t0, ctx)).toBe(t0 + 5_000);
    expect(countRunsBetween(s, t0 + 60_000, t0 + 600_000, ctx)).toBe(10);
  });

  it("cron: honours the time zone", () => {
    const s = { kind: "cron" as const, expr: "0 9 * * *", tz: "Asia/Tokyo" };
    expect(iso(nextRunAfter(s, Date.parse("2026-06-01T00:00:00Z"), ctx))).toBe("2026-06-02T00:00:00.000Z");
    const utc = { kind: "cron" as const, expr: "0 9 * * *", tz: "UTC" };
    expect(iso(nextRunAfter(utc, Date.parse("2026-06-01T00:00:00Z"), ctx))).toBe("2026-06-01T09:00:00.000Z");
  });

  it("cron: DST spring-forward and fall-back in New York", () => {
    // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist that day; the run is not lost.
    const s = { kind: "cron" as const, expr: "30 2 * * *", tz: "America/New_York" };
    const spring = nextRunAfter(s, Date.parse("2026-03-08T05:00:00Z"), ctx)!;
    expect(iso(spring)!.startsWith("2026-03-08")).toBe(true);
    expect(spring).toBeGreaterThan(Date.parse("2026-03-08T06:59:59Z"));
    // The day after, 02:30 EDT is 06:30Z again.
    expect(iso(nextRunAfter(s, spring, ctx))).toBe("2026-03-09T06:30:00.000Z");
    // 2026-11-01: 01:30 happens twice; the job runs once that day.
    const fall = { kind: "cron" as const, expr: "30 1 * * *", tz: "America/New_York" };
    const runs = [];
    let t = Date.parse("2026-11-01T00:00:00Z");
    for (let i = 0; i < 3; i++) runs.push((t = nextRunAfter(fall, t, ctx)!));
    expect(runs.map((r) => iso(r)!.slice(0, 10))).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"]);
  });

  it("cron: stagger is a stable per-job offset below staggerMs", () => {
    const off = staggerOffset("job-1", 120_000);
    expect(off).toBe(staggerOffset("job-1", 120_000));
    expect(off).toBeGreaterThanOrEqual(0);
    expect(off).toBeLessThan(120_000);
    const s = { kind: "cron" as const, expr: "0 * * * *", tz: "UTC", staggerMs: 120_000 };
    expect(nextRunAfter(s, Date.parse("2026-06-01T00:30:00Z"), ctx)).toBe(Date.parse("2026-06-01T01:00:00Z") + off);
  });

  it("rejects bad schedules with a reason", () => {
    expect(scheduleProblem({ kind: "at", at: "tomorrow-ish" })).toMatch(/not an ISO date-time/);
    expect(scheduleProblem({ kind: "every", everyMs: 10 })).toMatch(/at least 1000/);
    expect(scheduleProblem({ kind: "cron", expr: "61 * * * *" })).toMatch(/invalid cron expression/);
    expect(scheduleProblem({ kind: "cron", expr: "0 * * * *", tz: "Mars/Olympus" })).toMatch(/unknown time zone/);
    expect(scheduleProblem({ kind: "cron", expr: "*/5 * * * *", tz: "Europe/Berlin" })).toBeNull();
  });
});

describe("durations", () => {
  it("parses units, combinations and bare minutes", () => {
    expect(parseDurationMs("30m")).toBe(1_800_000);
    expect(parseDurationMs("1h30m")).toBe(5_400_000);
    expect(parseDurationMs("500ms")).toBe(500);
    expect(parseDurationMs("15")).toBe(900_000);
    expect(parseDurationMs(2)).toBe(120_000);
    expect(parseDurationMs("0m")).toBe(0);
    expect(parseDurationMs("soon")).toBeNull();
    expect(parseDurationMs("5 minutes")).toBeNull();
    expect(formatDurationMs(1_800_000)).toBe("30m");
    expect(formatDurationMs(7_200_000)).toBe("2h");
    expect(formatDurationMs(1500)).toBe("1500ms");
  });
});
