// A guarded HTTP GET, shared by web_fetch and the /v1 endpoints' URL inputs: http(s) only; every
// hop (redirects included) is resolved, checked against net-guard's address classes and then
// connected through a lookup pinned to the checked addresses, so DNS cannot change in between;
// the decoded body is capped, and one deadline covers the whole fetch.
import type { LookupAddress } from "node:dns";
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import { classifyAddress, pinnedLookup, type AddressClass } from "./net-guard.js";

export type GuardedFetchFailure =
  | "invalid-url"
  | "protocol"
  | "host-not-allowed"
  | "blocked-address"
  | "unresolvable"
  | "too-many-redirects"
  | "too-large"
  | "timeout"
  | "aborted"
  | "network";

/** Why a guarded fetch failed. `message` is one line with no caller prefix; callers add theirs. */
export class GuardedFetchError extends Error {
  constructor(
    readonly kind: GuardedFetchFailure,
    message: string,
    /** The hop that failed (the original URL when it never parsed). */
    readonly url: string,
  ) {
    super(message);
    this.name = "GuardedFetchError";
  }
}

/** Seams for tests: name resolution and address classification. */
export interface GuardedFetchHooks {
  lookup?: (hostname: string) => Promise<LookupAddress[]>;
  classify?: (address: string) => AddressClass;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  /** Lower case, parameters removed; "" when the server sent none. */
  contentType: string;
  charset: string | undefined;
}

export interface GuardedFetchOptions {
  maxBytes: number;
  /** Over `maxBytes`: keep the first bytes and mark the body truncated, or fail with "too-large". */
  overflow: "truncate" | "fail";
  timeoutMs: number;
  maxRedirects: number;
  /** Aborts from outside (a run or a client going away); the deadline is separate. */
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Whether a host may be fetched at all (an allowlist); asked for every hop. Default: any. */
  hostAllowed?: (host: string) => boolean;
  /** Whether a host may resolve to non-public addresses; asked for every hop. Default: none may. */
  privateAllowed?: (host: string) => boolean;
  /** Asked once the final hop's headers are in: read the body? (web_fetch skips binary ones.) */
  wantBody?: (head: ResponseHead) => boolean;
  hooks?: GuardedFetchHooks;
}

export interface GuardedResponse extends ResponseHead {
  /** The final URL, after redirects. */
  url: URL;
  body: Buffer;
  truncated: boolean;
  /** False when `wantBody` declined the body. */
  bodyRead: boolean;
  redirects: number;
}

interface Hop extends ResponseHead {
  location?: string;
  body: Buffer;
  truncated: boolean;
  bodyRead: boolean;
}

/** The host part of a URL as policies compare it: no brackets, no trailing dot, lower case. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

function parseUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new GuardedFetchError("invalid-url", `invalid URL: ${raw}`, raw);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new GuardedFetchError("protocol", `only http and https URLs are allowed, not ${url.protocol} (${url.href})`, url.href);
  }
  return url;
}

// dns.lookup cannot be cancelled; racing it keeps the deadline honest when a resolver stalls.
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function resolveChecked(url: URL, opts: GuardedFetchOptions, signal: AbortSignal): Promise<LookupAddress[]> {
  const host = urlHost(url);
  if (opts.hostAllowed && !opts.hostAllowed(host)) {
    throw new GuardedFetchError("host-not-allowed", `${host} is not an allowed host`, url.href);
  }
  let addresses: LookupAddress[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) }];
  else {
    const lookup = opts.hooks?.lookup ?? ((h: string) => dns.lookup(h, { all: true, verbatim: true }));
    addresses = await abortable(lookup(host), signal).catch((err: unknown) => {
      if (signal.aborted) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new GuardedFetchError("unresolvable", `cannot resolve ${host} (${code})`, url.href);
    });
    if (addresses.length === 0) throw new GuardedFetchError("unresolvable", `cannot resolve ${host}`, url.href);
  }
  if (opts.privateAllowed?.(host)) return addresses;
  const classify = opts.hooks?.classify ?? classifyAddress;
  for (const { address } of addresses) {
    const cls = classify(address);
    if (cls !== "public") {
      const via = address === host ? "" : ` (resolves to ${address})`;
      throw new GuardedFetchError("blocked-address", `${host}${via} is a ${cls} address`, url.href);
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

// The cap counts decoded bytes, so a small compressed body cannot inflate past it.
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

function head(res: http.IncomingMessage): ResponseHead {
  const [type = "", ...params] = String(res.headers["content-type"] ?? "").split(";");
  const charset = params
    .map((p) => p.trim())
    .find((p) => p.toLowerCase().startsWith("charset="))
    ?.slice(8)
    .replace(/"/g, "");
  return { status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", contentType: type.trim().toLowerCase(), charset };
}

function fetchOnce(url: URL, addresses: LookupAddress[], signal: AbortSignal, opts: GuardedFetchOptions): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, {
      method: "GET",
      agent: false, // a fresh connection per hop, made through the pinned lookup
      lookup: pinnedLookup(addresses),
      signal,
      headers: { "accept-encoding": "gzip, deflate, br", ...opts.headers },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const h = head(res);
      const location = res.headers.location;
      const skip = (extra: Partial<Hop>) => {
        res.resume();
        req.destroy();
        resolve({ ...h, body: Buffer.alloc(0), truncated: false, bodyRead: false, ...extra });
      };
      if (h.status >= 300 && h.status < 400 && location) return skip({ location });
      if (opts.wantBody && !opts.wantBody(h)) return skip({});
      const declared = Number(res.headers["content-length"]);
      if (opts.overflow === "fail" && Number.isFinite(declared) && declared > opts.maxBytes && !res.headers["content-encoding"]) {
        req.destroy();
        reject(new GuardedFetchError("too-large", `body larger than ${opts.maxBytes} bytes`, url.href));
        return;
      }
      readCapped(decoded(res), opts.maxBytes).then((read) => {
        req.destroy();
        if (read.truncated && opts.overflow === "fail") reject(new GuardedFetchError("too-large", `body larger than ${opts.maxBytes} bytes`, url.href));
        else resolve({ ...h, ...read, bodyRead: true });
      }, reject);
    });
    req.end();
  });
}

/**
 * GETs `rawUrl` under the guard. Throws GuardedFetchError for every refusal and failure; an HTTP
 * error status is not a failure (the caller reads `status`).
 */
export async function guardedFetch(rawUrl: string, opts: GuardedFetchOptions): Promise<GuardedResponse> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  let url = parseUrl(rawUrl);
  let redirects = 0;
  try {
    for (;;) {
      const addresses = await resolveChecked(url, opts, signal);
      const hop = await fetchOnce(url, addresses, signal, opts);
      if (hop.location === undefined) {
        const { location: _, ...rest } = hop;
        return { ...rest, url, redirects };
      }
      if (redirects === opts.maxRedirects) {
        throw new GuardedFetchError("too-many-redirects", `too many redirects (more than ${opts.maxRedirects}) starting at ${rawUrl}`, url.href);
      }
      redirects++;
      url = parseUrl(hop.location, url);
    }
  } catch (err) {
    if (err instanceof GuardedFetchError) throw err;
    if (deadline.aborted) throw new GuardedFetchError("timeout", `timed out after ${opts.timeoutMs} ms fetching ${url.href}`, url.href);
    if (opts.signal?.aborted) throw new GuardedFetchError("aborted", `aborted fetching ${url.href}`, url.href);
    throw new GuardedFetchError("network", `request to ${url.href} failed: ${(err as Error).message}`, url.href);
  }
}
