import { describe, expect, it } from "vitest";
import { markdownToTelegramHtml } from "./format.js";

describe("markdownToTelegramHtml", () => {
  it("escapes HTML in plain text", () => {
    expect(markdownToTelegramHtml("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
    expect(markdownToTelegramHtml("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("renders bold, italic, strike, inline code and links", () => {
    expect(markdownToTelegramHtml("**bold** and *it* and _it2_ and ~~gone~~")).toBe("<b>bold</b> and <i>it</i> and <i>it2</i> and <s>gone</s>");
    expect(markdownToTelegramHtml("use `a<b>` here")).toBe("use <code>a&lt;b&gt;</code> here");
    expect(markdownToTelegramHtml('[docs](https://x.test/?a=1&b="2")')).toBe('<a href="https://x.test/?a=1&amp;b=&quot;2&quot;">docs</a>');
  });

  it("keeps code blocks verbatim and escaped", () => {
    expect(markdownToTelegramHtml("see:\n```ts\nconst x = a < b && **c**;\n```\nend")).toBe(
      'see:\n<pre><code class="language-ts">const x = a &lt; b &amp;&amp; **c**;</code></pre>\nend',
    );
  });

  it("leaves unbalanced markers and snake_case alone", () => {
    expect(markdownToTelegramHtml("2 * 3 = 6 and **open")).toBe("2 * 3 = 6 and **open");
    expect(markdownToTelegramHtml("call my_func_name now")).toBe("call my_func_name now");
    expect(markdownToTelegramHtml("```never closed")).toBe("```never closed");
  });

  it("refuses non-http links (rendered as text)", () => {
    expect(markdownToTelegramHtml("[x](javascript:alert(1))")).toBe("[x](javascript:alert(1))");
  });
});
