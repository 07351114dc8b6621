// Splits a reply into messages no longer than a channel's limit, preferring paragraph breaks,
// then line breaks, then spaces, and cutting hard only inside one overlong word.

/** Chunks of at most `limit` characters (UTF-16 units, as Telegram counts), none empty. */
export function chunkText(text: string, limit: number): string[] {
  if (limit < 1) throw new RangeError("chunk limit must be positive");
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    let cut = lastBreak(window, "\n\n", limit);
    if (cut <= 0) cut = lastBreak(window, "\n", limit);
    if (cut <= 0) cut = lastBreak(window, " ", limit);
    if (cut <= 0) {
      cut = limit;
      // Never split a surrogate pair.
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
    }
    const head = rest.slice(0, cut).trimEnd();
    if (head) chunks.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

// The index where the text before the last `sep` in window ends, if that keeps the chunk <= limit.
function lastBreak(window: string, sep: string, limit: number): number {
  const at = window.lastIndexOf(sep);
  return at > 0 && at <= limit ? at : -1;
}
