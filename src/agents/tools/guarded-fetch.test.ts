import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedFetch, GuardedFetchError, type GuardedFetchOptions } from "./guarded-fetch.js";

// What web_fetch's own tests cover (redirect counting, address classes, DNS pinning, timeouts) is
// not repeated here; these pin what the /v1 URL inputs add: host policies per hop and a hard cap.
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    switch (url.pathname) {
      case "/img":
        return void res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(100, 1));
      case "/declared-big":
        return void res.writeHead(200, { "content-type": "image/png", "content-length": "5000" }).end(Buffer.alloc(5000));
      case "/chunked-big":
        res.writeHead(200, { "content-type": "image/png" });
        res.write(Buffer.alloc(600));
        return void res.end(Buffer.alloc(600));
      case "/gzip-bomb":
        return void res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" }).end(zlib.gzipSync(Buffer.alloc(100_000)));
      case "/to":
        return void res.writeHead(302, { location: url.searchParams.get("u") ?? "/" }).end();
      case "/slow":
        return;
      default:
        return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const local = (path: string) => `http://127.0.0.1:${port}${path}`;
const opts = (over: Partial<GuardedFetchOptions> = {}): GuardedFetchOptions => ({
  maxBytes: 1000,
  overflow: "fail",
  timeoutMs: 2000,
  maxRedirects: 3,
  privateAllowed: (host) => host === "127.0.0.1",
  ...over,
});
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as GuardedFetchError);

describe("guardedFetch", () => {
  it("reads a body from a host allowed to be private", async () => {
    const r = await guardedFetch(local("/img"), opts());
    expect(r).toMatchObject({ status: 200, contentType: "image/png", truncated: false, bodyRead: true, redirects: 0 });
    expect(r.body.length).toBe(100);
  });

  it("refuses a private host that no policy lets through", async () => {
    const e = await failure(guardedFetch(local("/img"), opts({ privateAllowed: undefined })));
    expect(e).toMatchObject({ kind: "blocked-address", message: "127.0.0.1 is a loopback address" });
  });

  it("asks the host policy on every hop, redirects included", async () => {
    const hostAllowed = (host: string) => host === "127.0.0.1";
    const away = local(`/to?u=${encodeURIComponent(`http://localhost:${port}/img`)}`);
    expect(await failure(guardedFetch(away, opts({ hostAllowed })))).toMatchObject({ kind: "host-not-allowed", message: "localhost is not an allowed host" });
    // Allowed by name but not trusted with private addresses: the resolved loopback is refused.
    const named = await failure(guardedFetch(away, opts({ hostAllowed: () => true })));
    expect(named).toMatchObject({ kind: "blocked-address" });
    expect(named?.message).toMatch(/^localhost \(resolves to (127\.0\.0\.1|::1)\) is a loopback address$/);
  });

  it("fails over the cap: by Content-Length before reading, while streaming, and after decompression", async () => {
    for (const path of ["/declared-big", "/chunked-big", "/gzip-bomb"]) {
      expect(await failure(guardedFetch(local(path), opts()))).toMatchObject({ kind: "too-large", message: "body larger than 1000 bytes" });
    }
    const kept = await guardedFetch(local("/chunked-big"), opts({ overflow: "truncate" }));
    expect(kept).toMatchObject({ truncated: true });
    expect(kept.body.length).toBe(1000);
  });

  it("names timeouts, outside aborts and bad URLs", async () => {
    expect(await failure(guardedFetch(local("/slow"), opts({ timeoutMs: 200 })))).toMatchObject({ kind: "timeout", message: `timed out after 200 ms fetching ${local("/slow")}` });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect(await failure(guardedFetch(local("/slow"), opts({ signal: ac.signal })))).toMatchObject({ kind: "aborted" });
    expect(await failure(guardedFetch("ftp://example.com/x", opts()))).toMatchObject({ kind: "protocol" });
    expect(await failure(guardedFetch("::nope", opts()))).toMatchObject({ kind: "invalid-url" });
  });
});
