// The console side of the logger: a pino destination that re-renders pino's JSON lines in the
// chosen console style before writing them to stdout (or a test stream).

import { formatConsoleLine } from "./format-log-line.js";
import { parseLogLine } from "./parse-log-line.js";

/** How console lines look: pretty and compact are text, json is the file line itself. */
export type ConsoleStyle = "pretty" | "compact" | "json";

/** A minimal pino destination. */
export interface LineSink {
  write(line: string): void;
}

/** Builds the console destination. `color` only affects the pretty style. */
export function createConsoleSink(stream: NodeJS.WritableStream, style: ConsoleStyle, color: boolean): LineSink {
  if (style === "json") return { write: (line) => void stream.write(line) };
  return {
    write(line: string): void {
      const parsed = parseLogLine(line);
      // Only our own pino produces these lines, so unparsable means a bug: show it raw, never lose it.
      stream.write(parsed === null ? line : `${formatConsoleLine(parsed, style, color)}\n`);
    },
  };
}

/** Whether ANSI colours suit `stream`: a TTY, and the user has not opted out with NO_COLOR. */
export function supportsColor(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true && process.env.NO_COLOR === undefined;
}
