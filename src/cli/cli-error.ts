// How a CLI command fails: one line (or a few, for config issues) and an exit code. main.ts
// is the only place that prints these, so every command fails the same way.

/** Bad flags or arguments (BSD `EX_USAGE` is 64; we follow the common shell convention of 2). */
export const EXIT_USAGE = 2;
/** Anything that went wrong at run time: gateway unreachable, RPC error, I/O error. */
export const EXIT_FAILURE = 1;

export interface CliErrorOptions {
  /** Extra lines printed after the message (for example config issue lines). */
  lines?: string[];
  /** Prefix the first line with `openclaw: ` (usage errors read better that way). */
  prefixed?: boolean;
}

/** A failure the CLI reports as text plus an exit code; never printed with a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly lines: string[];
  readonly prefixed: boolean;

  constructor(message: string, exitCode: number = EXIT_FAILURE, opts: CliErrorOptions = {}) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.lines = opts.lines ?? [];
    this.prefixed = opts.prefixed ?? false;
  }

  /** The text to print on stderr, one entry per line. */
  render(): string[] {
    return [this.prefixed ? `openclaw: ${this.message}` : this.message, ...this.lines];
  }
}

/** A usage error: `openclaw: <message>`, exit 2. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE, { prefixed: true });
}
