// The one place that runs systemctl / launchctl. Every invocation has a timeout, never inherits
// stdin, and reports "not installed" (ENOENT) apart from a failing command.
import { execFile } from "node:child_process";

export interface RunResult {
  /** The command line as a person would type it (for messages and `--json`). */
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program itself does not exist here. */
  missing?: boolean;
  timedOut?: boolean;
}

export type CommandRunner = (file: string, args: readonly string[], opts?: { timeoutMs?: number }) => Promise<RunResult>;

/** Quotes a word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export function commandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map(shellQuote).join(" ");
}

/** Runs a real process (the production runner). */
export const execRunner: CommandRunner = (file, args, opts = {}) =>
  new Promise((resolve) => {
    const command = commandLine(file, args);
    execFile(
      file,
      [...args],
      { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 4 * 1024 * 1024, encoding: "utf8", env: { ...process.env, SYSTEMD_PAGER: "", PAGER: "cat" } },
      (err, stdout, stderr) => {
        if (!err) return resolve({ command, code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: string };
        if (e.code === "ENOENT") return resolve({ command, code: null, stdout: "", stderr: `${file}: not found`, missing: true });
        const code = typeof e.code === "number" ? e.code : null;
        resolve({ command, code, stdout: stdout ?? "", stderr: stderr ?? "", ...(e.killed ? { timedOut: true } : {}) });
      },
    );
  });

/** The first non-empty line of a command's error output, for one-line messages. */
export function firstErrorLine(result: RunResult): string {
  if (result.timedOut) return `${result.command} timed out`;
  const line = `${result.stderr}\n${result.stdout}`.split(/\r?\n/).map((l) => l.trim()).find(Boolean);
  return line ?? `${result.command} exited with ${result.code}`;
}
