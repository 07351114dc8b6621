import { describe, expect, it } from "vitest";
import { addParams, editPatch, jobLine } from "./cron.js";

describe("openclaw cron flags", () => {
  it("add: a system event defaults to the main session, a message to an isolated one", () => {
    expect(addParams({ name: "r", at: "2026-12-01T16:00", systemEvent: "call the bank" })).toEqual({
      name: "r",
      schedule: { kind: "at", at: "2026-12-01T16:00:00.000Z" },
      payload: { kind: "systemEvent", text: "call the bank" },
      sessionTarget: "main",
      wakeMode: "now",
    });
    expect(addParams({ name: "d", every: "6h", message: "digest", announce: true, channel: "telegram", to: "1", deliver: true })).toMatchObject({
      schedule: { kind: "every", everyMs: 21_600_000 },
      payload: { kind: "agentTurn", message: "digest" },
      sessionTarget: "isolated",
      delivery: { mode: "announce", channel: "telegram", to: "1" },
    });
    expect(addParams({ name: "b", cron: "0 7 * * *", tz: "Europe/Berlin", message: "brief" }).schedule).toEqual({ kind: "cron", expr: "0 7 * * *", tz: "Europe/Berlin" });
  });

  it("add: refuses missing or conflicting flags with a usage error", () => {
    expect(() => addParams({ every: "1h", message: "m" })).toThrow(/--name is required/);
    expect(() => addParams({ name: "x", message: "m" })).toThrow(/a schedule is required/);
    expect(() => addParams({ name: "x", every: "1h", at: "2026-01-01T00:00:00Z", message: "m" })).toThrow(/choose one of --at, --every, --cron/);
    expect(() => addParams({ name: "x", every: "1h" })).toThrow(/a payload is required/);
    expect(() => addParams({ name: "x", every: "500ms", message: "m" })).toThrow(/at least 1s/);
    expect(() => addParams({ name: "x", every: "1h", tz: "UTC", message: "m" })).toThrow(/--tz goes with --cron/);
    expect(() => addParams({ name: "x", at: "someday", message: "m" })).toThrow(/not an ISO date-time/);
  });

  it("edit: only the options given; --no-deliver turns delivery off; nothing given is an error", () => {
    expect(editPatch({ disable: true, deliver: false })).toEqual({ enabled: false, delivery: { mode: "none" } });
    expect(editPatch({ every: "2h" })).toEqual({ schedule: { kind: "every", everyMs: 7_200_000 } });
    expect(() => editPatch({ deliver: true })).toThrow(/nothing to change/);
  });

  it("list line: id, name, schedule, next run, last status", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const line = jobLine(
      {
        id: "j1", name: "brief", enabled: true, schedule: { kind: "cron", expr: "0 7 * * *", tz: "UTC" }, sessionTarget: "isolated",
        payload: { kind: "agentTurn", message: "hi" }, state: { nextRunAtMs: now + 7 * 3_600_000, lastRunAtMs: now - 60_000, lastStatus: "ok" },
      },
      now,
    );
    expect(line).toBe('j1  brief  cron "0 7 * * *" UTC  next in 7h, last ok 1m ago  (isolated: agent turn "hi")');
  });
});
