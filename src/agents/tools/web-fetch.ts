// `web_fetch`: GETs an http(s) URL and returns status, content type and readable text. Every hop
// (redirects included) is resolved and checked against private address ranges, and the
// connection is pinned to the checked addresses, so DNS rebinding cannot slip past the check.
import type { LookupAddress } from "node:dns";
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { ToolError } from "./errors.js";
import { htmlTitle, htmlToText } from "./html-text.js";
import { classifyAddress, pinnedLookup, type AddressClass } from "./net-guard.js";
import { looksBinary } from "./fs-utils.js";
import type { ToolPolicy } from "./types.js";

export const WEB_FETCH_DEFAULT_MAX_BYTES = 1024 * 1024;
export const WEB_FETCH_DEFAULT_TIMEOUT_MS = 10_000;
export const WEB_FETCH_MAX_REDIRECTS = 3;
const USER_AGENT = "Mozilla/5.0 (compatible; OpenClaw web_fetch)";
const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|ecmascript|x-javascript|x-ndjson|yaml|x-yaml|toml|x-sh|sql|graphql)$)|\+(json|xml)$/;
const HTML_TYPE = /^(text\/html|application\/xhtml\+xml)$/;

/** Seams for tests: name resolution and address classification. */
export interface WebFetchHooks {
  lookup?: (hostname: string) => Promise<LookupAddress[]>;
  classify?: (address: string) => AddressClass;
}

const WebFetchParams = Type.Object({
  url: Type.String({ minLength: 1, description: "An http:// or https:// URL." }),
  maxBytes: Type.Optional(Type.Integer({ minimum: 1, description: "Read at most this many bytes of the body." })),
});

interface Hop {
  status: number;
  statusText: string;
  contentType: string;
  charset: string | undefined;
  location?: string;
  body: Buffer;
  truncated: boolean;
}

function parseUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new ToolError(`web_fetch: invalid URL: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ToolError(`web_fetch: only http and https URLs are allowed, not ${url.protocol} (${url.href})`);
  }
  return url;
}

async function resolveChecked(url: URL, allowPrivate: boolean, hooks: WebFetchHooks): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: LookupAddress[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) }];
  else {
    addresses = await (hooks.lookup ?? ((h) => dns.lookup(h, { all: true, verbatim: true })))(host).catch((err: unknown) => {
      throw new ToolError(`web_fetch: cannot resolve ${host} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    });
    if (addresses.length === 0) throw new ToolError(`web_fetch: cannot resolve ${host}`);
  }
  if (allowPrivate) return addresses;
  const classify = hooks.classify ?? classifyAddress;
  for (const { address } of addresses) {
    const cls = classify(address);
    if (cls !== "public") {
      const via = address === host ? "" : ` (resolves to ${address})`;
      throw new ToolError(
        `web_fetch refused: ${host}${via} is a ${cls} address; set tools.webFetch.allowPrivateNetwork to true to allow it`,
      );
    }
  }
  return addresses;
}

// pipeline, not pipe: a response that dies mid-body must fail the reader, not leave it waiting.
function decoded(res: http.IncomingMessage): Readable {
  const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const ignore = () => {};
  if (encoding === "gzip" || encoding === "x-gzip") return pipeline(res, zlib.createGunzip(), ignore);
  if (encoding === "deflate") return pipeline(res, zlib.createInflate(), ignore);
  if (encoding === "br") return pipeline(res, zlib.createBrotliDecompress(), ignore);
  return res;
}

async function readCapped(stream: Readable, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size + chunk.length > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - size));
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

function fetchOnce(url: URL, addresses: LookupAddress[], signal: AbortSignal, maxBytes: number): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, {
      method: "GET",
      agent: false, // a fresh connection per hop, made through the pinned lookup
      lookup: pinnedLookup(addresses),
      signal,
      headers: { "user-agent": USER_AGENT, accept: "text/html,text/plain,application/json,*/*;q=0.5", "accept-encoding": "gzip, deflate, br" },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const [type = "", ...params] = String(res.headers["content-type"] ?? "").split(";");
      const charset = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith("charset="))?.slice(8).replace(/"/g, "");
      const hop = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", contentType: type.trim().toLowerCase(), charset };
      const location = res.headers.location;
      if (hop.status >= 300 && hop.status < 400 && location) {
        res.resume();
        req.destroy();
        resolve({ ...hop, location, body: Buffer.alloc(0), truncated: false });
        return;
      }
      if (hop.contentType !== "" && !TEXT_TYPE.test(hop.contentType)) {
        req.destroy();
        resolve({ ...hop, body: Buffer.alloc(0), truncated: false });
        return;
      }
      readCapped(decoded(res), maxBytes).then((read) => {
        req.destroy();
        resolve({ ...hop, ...read });
      }, reject);
    });
    req.end();
  });
}

function decodeText(body: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

export function createWebFetchTool(policy: ToolPolicy["webFetch"] = {}, hooks: WebFetchHooks = {}) {
  const allowPrivate = policy.allowPrivateNetwork === true;
  const limit = policy.maxBytes ?? WEB_FETCH_DEFAULT_MAX_BYTES;
  const timeoutMs = policy.timeoutMs ?? WEB_FETCH_DEFAULT_TIMEOUT_MS;
  if (!(limit > 0)) throw new Error("tools.webFetch.maxBytes must be a positive number");
  if (!(timeoutMs > 0)) throw new Error("tools.webFetch.timeoutMs must be a positive number");

  return defineTool({
    name: "web_fetch",
    description:
      `Fetch an http(s) URL and return its status, content type and text (HTML reduced to readable text). ` +
      `At most ${Math.round(limit / 1024)} KiB, ${WEB_FETCH_MAX_REDIRECTS} redirects, ${timeoutMs / 1000} s. Binary content is refused.` +
      (allowPrivate ? "" : " Private and local network addresses are refused."),
    parameters: WebFetchParams,
    async run(args, ctx) {
      const maxBytes = Math.min(args.maxBytes ?? limit, limit);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any([ctx.signal, timeout]);
      let url = parseUrl(args.url);
      let hop: Hop;
      let redirects = 0;
      try {
        for (;;) {
          const addresses = await resolveChecked(url, allowPrivate, hooks);
          hop = await fetchOnce(url, addresses, signal, maxBytes);
          if (hop.location === undefined) break;
          if (redirects === WEB_FETCH_MAX_REDIRECTS) {
            throw new ToolError(`web_fetch: too many redirects (more than ${WEB_FETCH_MAX_REDIRECTS}) starting at ${args.url}`);
          }
          redirects++;
          url = parseUrl(hop.location, url);
        }
      } catch (err) {
        if (err instanceof ToolError) throw err;
        if (timeout.aborted) throw new ToolError(`web_fetch: timed out after ${timeoutMs} ms fetching ${url.href}`);
        if (ctx.signal.aborted) throw new ToolError("web_fetch was aborted");
        throw new ToolError(`web_fetch: request to ${url.href} failed: ${(err as Error).message}`);
      }

      const type = hop.contentType;
      const binary = type !== "" ? !TEXT_TYPE.test(type) : looksBinary(hop.body.subarray(0, 8192));
      if (binary) throw new ToolError(`web_fetch refused: ${url.href} returned binary content (${type || "unknown type"})`);
      const raw = decodeText(hop.body, hop.charset);
      const isHtml = HTML_TYPE.test(type) || (type === "" && /^\s*<(!doctype html|html)\b/i.test(raw));
      const title = isHtml ? htmlTitle(raw) : undefined;
      const text = isHtml ? htmlToText(raw) : raw;
      const header = [
        `URL: ${url.href}`,
        `Status: ${hop.status}${hop.statusText ? ` ${hop.statusText}` : ""}`,
        `Content-Type: ${type || "(none)"}`,
        ...(title ? [`Title: ${title}`] : []),
        ...(hop.truncated ? [`[body truncated at ${maxBytes} bytes]`] : []),
      ];
      return {
        content: `${header.join("\n")}\n\n${text}`,
        isError: hop.status >= 400,
        details: { url: url.href, status: hop.status, contentType: type, bytes: hop.body.length, truncated: hop.truncated, redirects },
      };
    },
  });
}
