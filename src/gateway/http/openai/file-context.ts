// How a client's file text reaches the model: a `<file name mime>` block in the system prompt,
// its text inside the reference's untrusted-content markers, so the model reads it as data and
// not as instructions. Each block's marker id is random, so the text cannot forge its own end;
// marker look-alikes in the text are defused as well.
import { randomBytes } from "node:crypto";

const MARKER = /<<<\s*(END_)?EXTERNAL_UNTRUSTED_CONTENT\b[^>]*>>>/gi;
const ATTR_ESCAPES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" };

/** `text` between `<<<EXTERNAL_UNTRUSTED_CONTENT id="…">>>` and its END marker, with a `Source:` line. */
export function wrapUntrusted(text: string, source = "External", id = randomBytes(8).toString("hex")): string {
  const defused = text.replace(MARKER, (_m, end?: string) => (end ? "[[END_MARKER_SANITIZED]]" : "[[MARKER_SANITIZED]]"));
  return [`<<<EXTERNAL_UNTRUSTED_CONTENT id="${id}">>>`, `Source: ${source}`, "---", defused, `<<<END_EXTERNAL_UNTRUSTED_CONTENT id="${id}">>>`].join("\n");
}

/** One file for the system prompt; file tags inside the text are escaped so it cannot close its block. */
export function renderFileBlock(name: string, mime: string, text: string, id?: string): string {
  const attr = (v: string) => v.replace(/[\r\n\t]+/g, " ").replace(/[<>&"']/g, (c) => ATTR_ESCAPES[c]!);
  const body = text.replace(/<\s*\/\s*file\s*>/gi, "&lt;/file&gt;").replace(/<\s*file\b/gi, "&lt;file");
  return `<file name="${attr(name)}" mime="${attr(mime)}">\n${wrapUntrusted(body, "External", id)}\n</file>`;
}
