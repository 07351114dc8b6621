import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiRequestError } from "./errors.js";
import { fetchImage, sniffImageMime } from "./input-fetch.js";
import { DEFAULT_IMAGE_LIMITS, ImageBudget } from "./messages.js";
import { checkInputUrl, IMAGE_MIMES, urlInputPolicy, type UrlInputPolicy } from "./url-inputs.js";

// Images are served from 127.0.0.1, which only an exact allowlist entry lets the gateway reach.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(56, 7)]);
const GIF = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.alloc(10)]);
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    switch (url.pathname) {
      case "/a.png":
        return void res.writeHead(200, { "content-type": "image/png" }).end(PNG);
      case "/octet":
        return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(GIF);
      case "/fake.png":
        return void res.writeHead(200, { "content-type": "image/png" }).end("<html>not an image</html>");
      case "/svg":
        return void res.writeHead(200, { "content-type": "image/svg+xml" }).end("<svg/>");
      case "/to":
        return void res.writeHead(302, { location: url.searchParams.get("u") ?? "/" }).end();
      case "/slow":
        return;
      default:
        return void res.writeHead(404, { "content-type": "text/plain" }).end("gone");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const at = (path: string) => `http://127.0.0.1:${port}${path}`;
const policy = (over: Partial<UrlInputPolicy> = {}): UrlInputPolicy => ({
  ...urlInputPolicy("image", "gateway.http.endpoints.responses.images", { allowUrl: true, urlAllowlist: ["127.0.0.1"] }, { allowUrl: true, maxBytes: 1000, allowedMimes: IMAGE_MIMES }),
  ...over,
});
const get = (path: string, p = policy()) => fetchImage(checkInputUrl(at(path), p, "img"), p, "img");
const refusal = (work: Promise<unknown>) => work.then(() => undefined, (e: unknown) => (e instanceof OpenAiRequestError ? e : Promise.reject(e)));

describe("fetchImage", () => {
  it("fetches an allow-listed loopback image as base64 with its type", async () => {
    expect(await get("/a.png")).toEqual({ mimeType: "image/png", data: PNG.toString("base64"), bytes: PNG.length });
  });

  it("types an image by its bytes when the server does not, and refuses bytes that belie the label", async () => {
    expect((await get("/octet")).mimeType).toBe("image/gif");
    expect(await refusal(get("/fake.png"))).toMatchObject({ code: "invalid_image", message: "image content is not image/png.", param: "img" });
    expect(await refusal(get("/svg"))).toMatchObject({ code: "unsupported_image_type" });
  });

  it("keeps loopback out unless the host is listed exactly, also behind a redirect", async () => {
    const open = policy({ urlAllowlist: [] });
    expect(await refusal(get("/a.png", open))).toMatchObject({ code: "url_blocked", message: expect.stringContaining("127.0.0.1 is a loopback address") });
    const away = `/to?u=${encodeURIComponent(`http://localhost:${port}/a.png`)}`;
    expect(await refusal(get(away))).toMatchObject({ code: "url_host_not_allowed", message: expect.stringContaining("localhost") });
    // A wildcard admits the host but never trusts it with private addresses.
    expect(await refusal(get("/a.png", policy({ urlAllowlist: ["*.0.0.1"] })))).toMatchObject({ code: "url_blocked" });
  });

  it("answers size, status, redirect and time limits with the cause", async () => {
    expect(await refusal(get("/a.png", policy({ maxBytes: 10 })))).toMatchObject({ code: "image_too_large", message: "image too large (max 10 bytes)." });
    expect(await refusal(get("/missing"))).toMatchObject({ code: "url_fetch_failed", message: `fetch failed: HTTP 404 Not Found from ${at("/missing")}` });
    const loop = `/to?u=${encodeURIComponent(at("/to?u=/a.png"))}`;
    expect(await refusal(get(loop, policy({ maxRedirects: 1 })))).toMatchObject({ code: "url_fetch_failed", message: expect.stringContaining("too many redirects (more than 1)") });
    expect(await refusal(get("/slow", policy({ timeoutMs: 200 })))).toMatchObject({ code: "url_fetch_timeout", message: "timed out after 0.2 s" });
  });

  it("sniffs the default formats", () => {
    expect(sniffImageMime(PNG)).toBe("image/png");
    expect(sniffImageMime(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageMime(Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "latin1"))).toBe("image/webp");
    expect(sniffImageMime(Buffer.from("\0\0\0\x18ftypheic", "latin1"))).toBe("image/heic");
    expect(sniffImageMime(Buffer.from("\0\0\0\x18ftypmif1", "latin1"))).toBe("image/heif");
    expect(sniffImageMime(Buffer.from("hello"))).toBeUndefined();
  });
});

describe("ImageBudget with URLs", () => {
  const limits = { ...DEFAULT_IMAGE_LIMITS, maxTotalBytes: 100, images: policy() };

  it("fills URL blocks in place and counts them against the request's total", async () => {
    const budget = new ImageBudget(limits);
    const block = budget.fromUrl(at("/a.png"), "m[0]");
    expect(block).toEqual({ type: "image", mimeType: "", data: "" });
    await budget.fetchRemote();
    expect(block).toEqual({ type: "image", mimeType: "image/png", data: PNG.toString("base64") });
    // 64 bytes fetched + 64 inline > 100.
    expect(() => budget.fromUrl(`data:image/png;base64,${PNG.toString("base64")}`, "m[1]")).toThrow("Images too large (max 100 bytes in total).");
  });

  it("says the total is exceeded when inline images left too little room for a URL", async () => {
    const budget = new ImageBudget(limits);
    budget.fromUrl(`data:image/png;base64,${PNG.toString("base64")}`, "m[0]");
    budget.fromUrl(at("/a.png"), "m[1]");
    expect(await refusal(budget.fetchRemote())).toMatchObject({ code: "images_too_large", param: "m[1]" });
  });
});
