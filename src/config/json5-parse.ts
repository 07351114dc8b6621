// JSON5 parsing that reports failures as a ConfigIssue with the file, line and column.
import { json5 } from "./json5-loader.js";
import type { ConfigIssue } from "./errors.js";

/** Result of parsing one config file's text. */
export type Json5ParseResult = { ok: true; value: unknown } | { ok: false; issue: ConfigIssue };

// Text that is plain JSON (what `config.set` and the CLI write) gives the same value from
// JSON.parse, which needs no parser code loaded; anything else, or an error, is json5's to judge
// (so is U+2028/U+2029 in a string, which json5 warns about).
function parseText(text: string): unknown {
  if (!/[\u2028\u2029]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // not plain JSON
    }
  }
  return json5().parse(text);
}

/** Parses JSON5 text; a syntax error becomes an issue naming `file`, line and column. */
export function parseJson5(text: string, file: string): Json5ParseResult {
  try {
    return { ok: true, value: parseText(text) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const { lineNumber, columnNumber } = error as SyntaxError & { lineNumber?: number; columnNumber?: number };
    // json5 messages end with " at L:C"; the position is restated in our own words instead.
    const detail = error.message.replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "");
    const where = lineNumber === undefined ? "" : ` at line ${lineNumber}, column ${columnNumber ?? 0}`;
    return { ok: false, issue: { file, path: "", message: `JSON5 parse error${where}: ${detail}` } };
  }
}
