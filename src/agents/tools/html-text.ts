// Reduces an HTML page to readable text for the model: no scripts, styles or tags; block
// elements become line breaks; entities decoded; whitespace collapsed. Not a parser, by design.

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "–", mdash: "—", hellip: "…",
  lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", laquo: "«", raquo: "»", copy: "©", reg: "®", trade: "™",
  middot: "·", bull: "•", times: "×", deg: "°", euro: "€", pound: "£", yen: "¥", cent: "¢", sect: "§",
};

// Elements whose content is never text a reader sees.
const HIDDEN = ["script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "head"];
const BLOCK =
  /^(p|div|br|hr|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|section|article|aside|header|footer|nav|main|blockquote|pre|figure|figcaption|form|fieldset|details|summary|address|title)$/;

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** The `<title>` text, if any. */
export function htmlTitle(html: string): string | undefined {
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const title = match ? decodeEntities(match[1]!).replace(/\s+/g, " ").trim() : "";
  return title || undefined;
}

export function htmlToText(html: string): string {
  let text = html.replace(/<!--[\s\S]*?(-->|$)/g, " ").replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, " ");
  for (const tag of HIDDEN) {
    text = text.replace(new RegExp(`<${tag}\\b[^>]*>[\\s\\S]*?(</${tag}\\s*>|$)`, "gi"), " ");
  }
  // Inline tags vanish (`<b>a</b>.` reads "a."); block tags break the line; cells keep a space.
  text = text.replace(/<(\/?)([a-z][a-z0-9-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi, (_tag, slash: string, name: string) => {
    const lower = name.toLowerCase();
    if (lower === "li") return slash ? "" : "\n- ";
    if (lower === "td" || lower === "th") return " ";
    return BLOCK.test(lower) ? "\n" : "";
  });
  text = text.replace(/<![^>]*>/g, " ").replace(/<\?[^>]*>/g, " ");
  text = decodeEntities(text);
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t\f\v\r\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
