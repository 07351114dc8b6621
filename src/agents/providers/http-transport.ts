// The `fetch` the OpenAI and Anthropic SDKs are given: the same request and response over
// node:http(s) with a keep-alive agent per transport. undici's fetch spends more CPU per model
// call than the rest of a run (WHATWG streams, Request/Response objects, header validation); the
// SDKs need only a small part of a Response, so this hands them just that part, with the body as
// the Node stream it is. (Neither SDK clones a response unless middleware is configured, which
// the gateway never does.)
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import zlib from "node:zlib";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface HttpTransportOptions {
  /** Sockets per upstream host (default 256); further requests wait for a free one. */
  maxSockets?: number;
  /** Idle keep-alive sockets kept per host (default 32). */
  maxFreeSockets?: number;
  /** Where anything this transport does not carry itself goes (default: the global fetch). */
  fallback?: FetchLike;
}

export interface HttpTransport {
  fetch: FetchLike;
  /** Closes the idle keep-alive sockets; requests in flight finish. */
  close(): void;
}

export function createHttpTransport(opts: HttpTransportOptions = {}): HttpTransport {
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 256, maxFreeSockets: opts.maxFreeSockets ?? 32, scheduling: "lifo" as const };
  const agents = { "http:": new http.Agent(agentOpts), "https:": new https.Agent(agentOpts) };
  const fallback = opts.fallback ?? ((input, init) => globalThis.fetch(input, init));

  const fetch: FetchLike = (input, init = {}) => {
    const url = typeof input === "string" ? tryUrl(input) : input instanceof URL ? input : undefined;
    const body = requestBody(init.body);
    // Request objects, streamed or form bodies and other schemes are rare here: leave them to fetch.
    if (!url || body === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) return fallback(input, init);
    return send(url, init, body, agents[url.protocol]);
  };
  return {
    fetch,
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

function send(url: URL, init: RequestInit, body: string | Uint8Array | null, agent: http.Agent): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const headers = headerRecord(init.headers);
  // We do not decompress by default (undici would); say so, so servers send identity.
  headers["accept-encoding"] ??= "identity";
  if (body !== null) headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
  const request = url.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: (init.method ?? "GET").toUpperCase(), headers, agent });
    let res: http.IncomingMessage | undefined;
    const onAbort = () => {
      const err = abortError(signal!);
      if (res) res.destroy(err);
      req.destroy(err);
      reject(err);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    req.once("error", (err) => {
      done();
      // undici's shape: the SDKs and our error mapping look for the system error in `cause`.
      reject(err.name === "AbortError" ? err : new TypeError("fetch failed", { cause: err }));
    });
    req.once("response", (incoming) => {
      res = incoming;
      incoming.once("close", done);
      resolve(new TransportResponse(url.href, incoming) as unknown as Response);
    });
    req.end(body ?? undefined);
  });
}

/** The part of a WHATWG Response the SDK reads: status, headers, and the body as an async iterable. */
class TransportResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: TransportHeaders;
  readonly redirected = false;
  readonly type = "basic";
  readonly body: AsyncIterable<Uint8Array> | null;
  #used = false;

  constructor(
    readonly url: string,
    res: http.IncomingMessage,
  ) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? "";
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new TransportHeaders(res.headers);
    this.body = decoded(res);
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const buf = await this.#bytes();
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.#bytes()).toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async #bytes(): Promise<Buffer> {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    if (!this.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
}

/** Read-only Headers over Node's lower-cased header object (repeated values joined as fetch does). */
class TransportHeaders {
  readonly #map = new Map<string, string>();

  constructor(raw: http.IncomingHttpHeaders) {
    for (const key in raw) {
      const v = raw[key];
      if (v !== undefined) this.#map.set(key, Array.isArray(v) ? v.join(", ") : v);
    }
  }

  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }

  forEach(fn: (value: string, key: string, parent: this) => void): void {
    for (const [k, v] of this.#map) fn(v, k, this);
  }

  entries(): IterableIterator<[string, string]> {
    return this.#map.entries();
  }

  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  values(): IterableIterator<string> {
    return this.#map.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
}

function decoded(res: http.IncomingMessage): Readable | null {
  const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  let stream: Readable;
  if (encoding === "gzip" || encoding === "x-gzip") stream = res.pipe(zlib.createGunzip());
  else if (encoding === "deflate") stream = res.pipe(zlib.createInflate());
  else if (encoding === "br") stream = res.pipe(zlib.createBrotliDecompress());
  else return res;
  // A failing or destroyed response must end the decoded stream too.
  res.once("error", (err) => stream.destroy(err));
  res.once("aborted", () => stream.destroy(new Error("response aborted")));
  stream.once("close", () => res.destroy());
  return stream;
}

function requestBody(body: RequestInit["body"]): string | Uint8Array | null | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

function headerRecord(h: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers || Array.isArray(h)) {
    for (const [k, v] of h as Iterable<[string, string]>) out[k.toLowerCase()] = v;
  } else {
    for (const k of Object.keys(h)) {
      const v = (h as Record<string, string | undefined>)[k];
      if (v !== undefined) out[k.toLowerCase()] = v;
    }
  }
  return out;
}

function tryUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("This operation was aborted", "AbortError");
}
