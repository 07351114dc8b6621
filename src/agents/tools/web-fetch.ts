// `web_fetch`: GETs an http(s) URL and returns status, content type and readable text. The fetch
// itself (every hop checked against private address ranges, connections pinned to the checked
// addresses, so DNS rebinding cannot slip past) is guarded-fetch.ts, shared with /v1 URL inputs.
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { ToolError, toolErrors } from "./errors.js";
import { guardedFetch, GuardedFetchError, type GuardedFetchHooks, type GuardedResponse } from "./guarded-fetch.js";
import { htmlTitle, htmlToText } from "./html-text.js";
import { looksBinary } from "./fs-utils.js";
import type { ToolPolicy } from "./types.js";

export const WEB_FETCH_DEFAULT_MAX_BYTES = 1024 * 1024;
export const WEB_FETCH_DEFAULT_TIMEOUT_MS = 10_000;
export const WEB_FETCH_MAX_REDIRECTS = 3;
const USER_AGENT = "Mozilla/5.0 (compatible; OpenClaw web_fetch)";
const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|ecmascript|x-javascript|x-ndjson|yaml|x-yaml|toml|x-sh|sql|graphql)$)|\+(json|xml)$/;
const HTML_TYPE = /^(text\/html|application\/xhtml\+xml)$/;

/** Seams for tests: name resolution and address classification. */
export type WebFetchHooks = GuardedFetchHooks;

const WebFetchParams = Type.Object({
  url: Type.String({ minLength: 1, description: "An http:// or https:// URL." }),
  maxBytes: Type.Optional(Type.Integer({ minimum: 1, description: "Read at most this many bytes of the body." })),
});

function toolError(err: GuardedFetchError): ToolError {
  if (err.kind === "blocked-address") return new ToolError(`web_fetch refused: ${err.message}; set tools.webFetch.allowPrivateNetwork to true to allow it`);
  if (err.kind === "aborted") return toolErrors.aborted("web_fetch");
  return new ToolError(`web_fetch: ${err.message}`);
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
      let hop: GuardedResponse;
      try {
        hop = await guardedFetch(args.url, {
          maxBytes,
          overflow: "truncate",
          timeoutMs,
          maxRedirects: WEB_FETCH_MAX_REDIRECTS,
          signal: ctx.signal,
          headers: { "user-agent": USER_AGENT, accept: "text/html,text/plain,application/json,*/*;q=0.5" },
          privateAllowed: () => allowPrivate,
          // A typed binary body is refused below without being downloaded.
          wantBody: (h) => h.contentType === "" || TEXT_TYPE.test(h.contentType),
          hooks,
        });
      } catch (err) {
        throw err instanceof GuardedFetchError ? toolError(err) : err;
      }
      const url = hop.url;
      const redirects = hop.redirects;

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
