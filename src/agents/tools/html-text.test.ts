import { describe, expect, it } from "vitest";
import { decodeEntities, htmlTitle, htmlToText } from "./html-text.js";

describe("htmlToText", () => {
  it("drops scripts, styles and comments and keeps the readable text", () => {
    const html = `<!doctype html><html><head><title>T</title><style>body{color:red}</style>
      <script>var secret = "<p>not text</p>";</script></head>
      <body><!-- hidden --><h1>Hello</h1><p>First   paragraph
      with <b>bold</b> &amp; <a href="/x" title="a>b">link</a>.</p><noscript>enable js</noscript>
      <ul><li>one</li><li>two</li></ul><script type="module">alert(1)</script></body></html>`;
    const text = htmlToText(html);
    expect(text).toBe("Hello\n\nFirst paragraph\nwith bold & link.\n\n- one\n- two");
    expect(text).not.toMatch(/secret|color|hidden|enable js|alert/);
  });

  it("handles an unterminated script by dropping the rest", () => {
    expect(htmlToText("<p>kept</p><script>while(1){}")).toBe("kept");
  });
});

describe("decodeEntities / htmlTitle", () => {
  it("decodes named and numeric entities, leaving unknown ones", () => {
    expect(decodeEntities("&lt;a&gt; &#65;&#x42; &nbsp;&mdash; &bogus; &#xD800;")).toBe("<a> AB  — &bogus; &#xD800;");
  });

  it("reads the title", () => {
    expect(htmlTitle("<title> A &amp;\n B </title>")).toBe("A & B");
    expect(htmlTitle("<p>none</p>")).toBeUndefined();
  });
});
