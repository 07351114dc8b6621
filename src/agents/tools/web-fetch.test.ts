import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classifyAddress } from "./net-guard.js";
import type { ToolContext } from "./types.js";
import { createWebFetchTool, WEB_FETCH_MAX_REDIRECTS, type WebFetchHooks } from "./web-fetch.js";

let server: http.Server;
let port: number;
let hits = 0;
const ctx: ToolContext = { workspace: "/nonexistent", signal: new AbortController().signal, agentId: "main", sessionKey: "agent:main:main" };

const HTML = `<!doctype html><html><head><title>Demo &amp; page</title><style>.x{color:red}</style>
<script>window.secret = 1</script></head><body><h1>Welcome</h1><p>Some   <em>useful</em>
text.</p></body></html>`;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    const url = new URL(req.url ?? "/", "http://x");
    const hop = /^\/r\/(\d+)$/.exec(url.pathname);
    if (hop) {
      const left = Number(hop[1]);
      if (left === 0) return void res.writeHead(200, { "content-type": "text/plain" }).end("landed");
      return void res.writeHead(302, { location: `/r/${left - 1}` }).end();
    }
    switch (url.pathname) {
      case "/text":
        return void res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("hello world");
      case "/html":
        return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(HTML);
      case "/big":
        return void res.writeHead(200, { "content-type": "text/plain" }).end("a".repeat(2 * 1024 * 1024));
      case "/gzip":
        return void res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(zlib.gzipSync('{"ok":true}'));
      case "/latin1":
        return void res.writeHead(200, { "content-type": "text/plain; charset=iso-8859-1" }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      case "/png":
        return void res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
      case "/untyped-binary":
        return void res.end(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
      case "/missing":
        return void res.writeHead(404, { "content-type": "text/plain" }).end("no such page");
      case "/to":
        return void res.writeHead(302, { location: url.searchParams.get("u") ?? "/" }).end();
      case "/slow":
        return; // never answers
      default:
        return void res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = 0;
});

const base = () => `http://127.0.0.1:${port}`;

describe("web_fetch with allowPrivateNetwork", () => {
  const fetchTool = createWebFetchTool({ allowPrivateNetwork: true });

  it("returns status, content type and text", async () => {
    const result = await fetchTool.execute({ url: `${base()}/text` }, ctx);
    expect(result.content).toBe(`URL: ${base()}/text\nStatus: 200 OK\nContent-Type: text/plain\n\nhello world`);
    expect(result.isError).toBe(false);
  });

  it("reduces HTML to readable text", async () => {
    const result = await fetchTool.execute({ url: `${base()}/html` }, ctx);
    expect(result.content).toContain("Title: Demo & page");
    expect(result.content).toContain("Welcome\n\nSome useful\ntext.");
    expect(result.content).not.toMatch(/secret|color|<p>/);
  });

  it("decodes gzip and declared charsets", async () => {
    expect((await fetchTool.execute({ url: `${base()}/gzip` }, ctx)).content).toMatch(/\n\n\{"ok":true\}$/);
    expect((await fetchTool.execute({ url: `${base()}/latin1` }, ctx)).content).toMatch(/\n\ncafé$/);
  });

  it("caps the body at maxBytes (argument and policy) and says so", async () => {
    const capped = await fetchTool.execute({ url: `${base()}/big`, maxBytes: 1000 }, ctx);
    expect(capped.content).toContain("[body truncated at 1000 bytes]");
    expect(capped.content.endsWith(`\n\n${"a".repeat(1000)}`)).toBe(true);
    const byDefault = await fetchTool.execute({ url: `${base()}/big` }, ctx);
    expect(byDefault.details).toMatchObject({ bytes: 1024 * 1024, truncated: true });
    const small = createWebFetchTool({ allowPrivateNetwork: true, maxBytes: 100 });
    expect((await small.execute({ url: `${base()}/big`, maxBytes: 5000 }, ctx)).details).toMatchObject({ bytes: 100 });
  });

  it(`follows up to ${WEB_FETCH_MAX_REDIRECTS} redirects and refuses more`, async () => {
    const ok = await fetchTool.execute({ url: `${base()}/r/3` }, ctx);
    expect(ok.content).toContain(`URL: ${base()}/r/0`);
    expect(ok.details).toMatchObject({ redirects: 3 });
    await expect(fetchTool.execute({ url: `${base()}/r/4` }, ctx)).rejects.toThrow("too many redirects (more than 3)");
    expect(hits).toBe(4 + 4);
  });

  it("refuses binary content, declared or sniffed", async () => {
    await expect(fetchTool.execute({ url: `${base()}/png` }, ctx)).rejects.toThrow("returned binary content (image/png)");
    await expect(fetchTool.execute({ url: `${base()}/untyped-binary` }, ctx)).rejects.toThrow("binary content (unknown type)");
  });

  it("flags HTTP errors but still returns the body", async () => {
    const result = await fetchTool.execute({ url: `${base()}/missing` }, ctx);
    expect(result.isError).toBe(true);
    expect(result.content).toContain("Status: 404 Not Found");
    expect(result.content).toContain("no such page");
  });

  it("times out", async () => {
    const quick = createWebFetchTool({ allowPrivateNetwork: true, timeoutMs: 300 });
    const started = Date.now();
    await expect(quick.execute({ url: `${base()}/slow` }, ctx)).rejects.toThrow("timed out after 300 ms");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("refuses non-http schemes and bad URLs", async () => {
    await expect(fetchTool.execute({ url: "file:///etc/passwd" }, ctx)).rejects.toThrow("only http and https URLs are allowed, not file:");
    await expect(fetchTool.execute({ url: `${base()}/to?u=${encodeURIComponent("file:///etc/passwd")}` }, ctx)).rejects.toThrow(
      "not file:",
    );
    await expect(fetchTool.execute({ url: "not a url" }, ctx)).rejects.toThrow("invalid URL: not a url");
  });
});

describe("web_fetch by default (private networks refused)", () => {
  const fetchTool = createWebFetchTool();

  it("refuses loopback by IP, by name and as an IPv6 literal, without connecting", async () => {
    await expect(fetchTool.execute({ url: `${base()}/text` }, ctx)).rejects.toThrow(
      "web_fetch refused: 127.0.0.1 is a loopback address; set tools.webFetch.allowPrivateNetwork to true to allow it",
    );
    await expect(fetchTool.execute({ url: `http://localhost:${port}/text` }, ctx)).rejects.toThrow(
      /web_fetch refused: localhost \(resolves to (127\.0\.0\.1|::1)\) is a loopback address/,
    );
    await expect(fetchTool.execute({ url: `http://[::1]:${port}/text` }, ctx)).rejects.toThrow("::1 is a loopback address");
    await expect(fetchTool.execute({ url: "http://169.254.169.254/latest/meta-data" }, ctx)).rejects.toThrow("link-local");
    await expect(fetchTool.execute({ url: "http://0x7f000001/" }, ctx)).rejects.toThrow("127.0.0.1 is a loopback address");
    expect(hits).toBe(0);
  });

  // The local server stands in for a public one: the test classifier calls 127.0.0.1 public.
  const hooks: WebFetchHooks = {
    classify: (address) => (address === "127.0.0.1" ? "public" : classifyAddress(address)),
    lookup: async (host) => {
      if (host === "public.test") return [{ address: "127.0.0.1", family: 4 }];
      if (host === "internal.test") return [{ address: "192.168.1.10", family: 4 }];
      if (host === "mixed.test") return [{ address: "127.0.0.1", family: 4 }, { address: "10.0.0.7", family: 4 }];
      throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    },
  };
  const hooked = createWebFetchTool({}, hooks);
  const publicBase = () => `http://public.test:${port}`;

  it("fetches from an allowed server, connecting to the checked address", async () => {
    const result = await hooked.execute({ url: `${publicBase()}/text` }, ctx);
    expect(result.content).toContain("hello world");
  });

  it("re-checks every redirect hop", async () => {
    const via = (target: string) => `${publicBase()}/to?u=${encodeURIComponent(target)}`;
    await expect(hooked.execute({ url: via(`http://[::1]:${port}/text`) }, ctx)).rejects.toThrow("::1 is a loopback address");
    await expect(hooked.execute({ url: via("http://10.0.0.1/admin") }, ctx)).rejects.toThrow("10.0.0.1 is a private address");
    await expect(hooked.execute({ url: via("http://internal.test/") }, ctx)).rejects.toThrow(
      "internal.test (resolves to 192.168.1.10) is a private address",
    );
    expect(hits).toBe(3);
  });

  it("refuses a name with any private address among its answers, and names DNS failures", async () => {
    await expect(hooked.execute({ url: `http://mixed.test:${port}/text` }, ctx)).rejects.toThrow("resolves to 10.0.0.7");
    await expect(hooked.execute({ url: "http://nowhere.test/" }, ctx)).rejects.toThrow("cannot resolve nowhere.test (ENOTFOUND)");
    expect(hits).toBe(0);
  });
});
