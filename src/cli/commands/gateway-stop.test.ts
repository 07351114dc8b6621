import { describe, expect, it } from "vitest";
import { liveLockHolder } from "../../gateway/lock.js";

const lock = { pid: 4242, createdAt: "2026-01-01T00:00:00.000Z", configPath: "/c.json", startTime: 100 };

describe("liveLockHolder", () => {
  it("accepts a live holder whose start time matches", () => {
    expect(liveLockHolder(lock, () => true, () => 100)).toBe(lock);
    expect(liveLockHolder(lock, () => true, () => undefined)).toBe(lock);
  });

  it("rejects no lock, a dead pid and a reused pid", () => {
    expect(liveLockHolder(null)).toBeNull();
    expect(liveLockHolder(lock, () => false, () => 100)).toBeNull();
    expect(liveLockHolder(lock, () => true, () => 999)).toBeNull();
    expect(liveLockHolder({ ...lock, pid: 0 }, () => true, () => 100)).toBeNull();
  });
});
