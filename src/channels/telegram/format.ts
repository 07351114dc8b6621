// Model Markdown to Telegram HTML. Everything is escaped first-class (&, <, >, quotes in
// attributes), only a small set of constructs becomes tags, and an unbalanced marker stays
// literal text, so the output always parses; if Telegram still refuses it, the sender falls back
// to plain text.

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string) => escapeHtml(s).replace(/"/g, "&quot;");

/** Renders Markdown (fenced and inline code, bold, italic, strike, links) as Telegram HTML. */
export function markdownToTelegramHtml(md: string): string {
  const out: string[] = [];
  // Fenced code blocks first: their content is never formatted.
  const fence = /```([\w+-]*)\n?([\s\S]*?)```/g;
  let last = 0;
  for (let m = fence.exec(md); m; m = fence.exec(md)) {
    out.push(renderInline(md.slice(last, m.index)));
    const lang = m[1] ? ` class="language-${escapeAttr(m[1])}"` : "";
    out.push(`<pre><code${lang}>${escapeHtml(m[2]!.replace(/\n$/, ""))}</code></pre>`);
    last = m.index + m[0].length;
  }
  out.push(renderInline(md.slice(last)));
  return out.join("");
}

// Inline constructs, in priority order. Each pattern must match balanced markers on one line.
const INLINE: { re: RegExp; render: (m: RegExpExecArray) => string }[] = [
  { re: /`([^`\n]+)`/y, render: (m) => `<code>${escapeHtml(m[1]!)}</code>` },
  {
    re: /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/y,
    render: (m) => `<a href="${escapeAttr(m[2]!)}">${renderInline(m[1]!)}</a>`,
  },
  { re: /\*\*(?=\S)([^\n]*?\S)\*\*/y, render: (m) => `<b>${renderInline(m[1]!)}</b>` },
  { re: /__(?=\S)([^\n]*?\S)__/y, render: (m) => `<b>${renderInline(m[1]!)}</b>` },
  { re: /~~(?=\S)([^\n]*?\S)~~/y, render: (m) => `<s>${renderInline(m[1]!)}</s>` },
  { re: /\*(?=[^\s*])([^*\n]*?[^\s*])\*/y, render: (m) => `<i>${renderInline(m[1]!)}</i>` },
  // `_` only at word edges, so snake_case names stay as they are.
  { re: /(?<![\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w])/y, render: (m) => `<i>${renderInline(m[1]!)}</i>` },
];

function renderInline(text: string): string {
  let out = "";
  let plain = "";
  let i = 0;
  outer: while (i < text.length) {
    const ch = text[i]!;
    if (ch === "`" || ch === "[" || ch === "*" || ch === "_" || ch === "~") {
      for (const { re, render } of INLINE) {
        re.lastIndex = i;
        const m = re.exec(text);
        if (m) {
          out += escapeHtml(plain) + render(m);
          plain = "";
          i += m[0].length;
          continue outer;
        }
      }
    }
    plain += ch;
    i++;
  }
  return out + escapeHtml(plain);
}
