// Durations as operators write them in config and on the CLI: "90s", "30m", "1h30m", "2d", "500ms",
// or a bare number of minutes (the heartbeat's historical unit).

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Milliseconds for `input`, or null when it is not a duration. A bare number means `bareUnit`. */
export function parseDurationMs(input: string | number, bareUnit: "ms" | "m" = "m"): number | null {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? Math.round(input * UNITS[bareUnit]!) : null;
  const text = input.trim().toLowerCase();
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * UNITS[bareUnit]!);
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed = PART.lastIndex;
  }
  return consumed === text.length ? Math.round(total) : null;
}

/** "30m", "1h", "45s", "1500ms": the shortest exact spelling. */
export function formatDurationMs(ms: number): string {
  if (ms > 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
