// JSON5 parsing that reports failures as a ConfigIssue with the file, line and column.
import JSON5 from "json5";
import type { ConfigIssue } from "./errors.js";

/** Result of parsing one config file's text. */
export type Json5ParseResult = { ok: true; value: unknown } | { ok: false; issue: ConfigIssue };

/** Parses JSON5 text; a syntax error becomes an issue naming `file`, line and column. */
export function parseJson5(text: string, file: string): Json5ParseResult {
  try {
    return { ok: true, value: JSON5.parse(text) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const { lineNumber, columnNumber } = error as SyntaxError & { lineNumber?: number; columnNumber?: number };
    // json5 messages end with " at L:C"; the position is restated in our own words instead.
    const detail = error.message.replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "");
    const where = lineNumber === undefined ? "" : ` at line ${lineNumber}, column ${columnNumber ?? 0}`;
    return { ok: false, issue: { file, path: "", message: `JSON5 parse error${where}: ${detail}` } };
  }
}
