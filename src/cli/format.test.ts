import { describe, expect, it } from "vitest";
import { formatDuration, plural } from "./format.js";

describe("formatDuration", () => {
  it("picks the two largest units", () => {
    expect(formatDuration(850)).toBe("850ms");
    expect(formatDuration(42_000)).toBe("42s");
    expect(formatDuration(5 * 60_000 + 3_000)).toBe("5m 3s");
    expect(formatDuration(2 * 3_600_000)).toBe("2h");
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe("2h 5m");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3d 4h");
    expect(formatDuration(-1)).toBe("unknown");
  });

  it("pluralises", () => {
    expect(plural(1, "session")).toBe("1 session");
    expect(plural(2, "session")).toBe("2 sessions");
  });
});
