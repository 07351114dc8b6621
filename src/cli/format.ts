// Small text helpers shared by the command printers.

/** Human duration: `850ms`, `42s`, `5m 3s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "unknown";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Writes lines to stdout (synchronously for files and pipes on POSIX, so exit never truncates). */
export function printLines(lines: readonly string[], stream: NodeJS.WritableStream = process.stdout): void {
  if (lines.length > 0) stream.write(`${lines.join("\n")}\n`);
}

/** Pretty (2-space) or compact JSON on stdout. */
export function printJson(value: unknown, compact = false): void {
  process.stdout.write(`${value === undefined ? "null" : JSON.stringify(value, null, compact ? undefined : 2)}\n`);
}

/** Writes one line to stderr. */
export function warnLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
