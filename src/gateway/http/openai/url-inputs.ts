// Images and files that /v1 clients send by URL (chat `image_url`, responses `input_image` and
// `input_file`): the policy read from `gateway.http.endpoints.<endpoint>.{images,files}`, the
// checks that need no network, and every 400 those inputs can earn. Fetching is input-fetch.ts,
// loaded on the first URL.
//
// `urlAllowlist` holds host names: `host` matches that host exactly, `*.example.com` matches its
// subdomains. Empty or absent means any public host. Whatever the list, a host must resolve to
// public addresses only, unless it is listed exactly (a wildcard never lifts that guard): naming
// a host is the one way to let the gateway reach an internal server, 127.0.0.1 included.
import { OpenAiRequestError } from "./errors.js";

export type InputKind = "image" | "file";

export interface UrlInputPolicy {
  kind: InputKind;
  /** The config object these limits came from, named in the 400s that a setting would change. */
  configKey: string;
  allowUrl: boolean;
  urlAllowlist: readonly string[];
  allowedMimes: readonly string[];
  /** Per image or file, decoded. */
  maxBytes: number;
  maxRedirects: number;
  timeoutMs: number;
}

/** `responses.files`: a text cap on top. */
export interface FilePolicy extends UrlInputPolicy {
  /** Characters of decoded text kept per file. */
  maxChars: number;
}

/** The config shape shared by `images` and `files` (schema-gateway.ts `fetchLimits`). */
export interface UrlInputConfig {
  allowUrl?: boolean;
  urlAllowlist?: string[];
  allowedMimes?: string[];
  maxBytes?: number;
  maxRedirects?: number;
  timeoutMs?: number;
}

export const IMAGE_MIMES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif"];
export const FILE_MIMES = ["text/plain", "text/markdown", "text/html", "text/csv", "application/json", "application/pdf"];
export const DEFAULT_INPUT_MAX_REDIRECTS = 3;
export const DEFAULT_INPUT_TIMEOUT_MS = 10_000;

/** Config over defaults; host patterns and MIME types normalised to lower case. */
export function urlInputPolicy(kind: InputKind, configKey: string, config: UrlInputConfig | undefined, defaults: { allowUrl: boolean; maxBytes: number; allowedMimes: readonly string[] }): UrlInputPolicy {
  const c = config ?? {};
  return {
    kind,
    configKey,
    allowUrl: c.allowUrl ?? defaults.allowUrl,
    urlAllowlist: (c.urlAllowlist ?? []).map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "")).filter((h) => h && h !== "*" && h !== "*."),
    allowedMimes: c.allowedMimes?.length ? c.allowedMimes.map((m) => m.trim().toLowerCase()) : defaults.allowedMimes,
    maxBytes: c.maxBytes ?? defaults.maxBytes,
    maxRedirects: c.maxRedirects ?? DEFAULT_INPUT_MAX_REDIRECTS,
    timeoutMs: c.timeoutMs ?? DEFAULT_INPUT_TIMEOUT_MS,
  };
}

/** A `data:<mime>[;param=v]*;base64,<data>` URL's parts (MIME lower case, whitespace dropped from the data). */
export function parseBase64DataUrl(url: string): { mime: string; charset?: string; data: string } | undefined {
  const m = /^data:([\w.+-]+\/[\w.+-]+)((?:;[\w-]+=[^;,]*)*);base64,(.*)$/is.exec(url);
  if (!m) return undefined;
  const charset = /;charset=([^;,]*)/i.exec(m[2]!)?.[1]?.replace(/"/g, "");
  return { mime: m[1]!.toLowerCase(), ...(charset ? { charset } : {}), data: m[3]!.replace(/\s+/g, "") };
}

/** Decoded size of base64 text, without decoding it. */
export function base64Bytes(data: string): number {
  const pad = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - pad;
}

/** Whether `host` (lower case, no brackets) may be fetched at all. */
export function hostAllowed(policy: UrlInputPolicy, host: string): boolean {
  if (policy.urlAllowlist.length === 0) return true;
  return policy.urlAllowlist.some((p) => (p.startsWith("*.") ? host.endsWith(p.slice(1)) : host === p));
}

/** Whether `host` may resolve to loopback, private or link-local addresses: listed exactly. */
export function privateAllowed(policy: UrlInputPolicy, host: string): boolean {
  return policy.urlAllowlist.includes(host);
}

/** The 400s of URL and inline inputs, worded once. */
export const inputErrors = {
  urlDisabled: (p: UrlInputPolicy, param: string) =>
    new OpenAiRequestError(`${p.kind} URLs are not allowed here; send the ${p.kind} inline (base64), or set ${p.configKey}.allowUrl to true.`, param, "url_input_disabled"),
  badUrl: (p: UrlInputPolicy, param: string) => new OpenAiRequestError(`${p.kind} URL must be an http or https URL.`, param, "invalid_url"),
  hostNotAllowed: (p: UrlInputPolicy, host: string, param: string) =>
    new OpenAiRequestError(`${p.kind} URL host is not allowed: ${host} (not in ${p.configKey}.urlAllowlist).`, param, "url_host_not_allowed"),
  blocked: (p: UrlInputPolicy, why: string, param: string) =>
    new OpenAiRequestError(`${p.kind} URL refused: ${why}; list the host in ${p.configKey}.urlAllowlist to allow it.`, param, "url_blocked"),
  tooLarge: (p: UrlInputPolicy, max: number, param: string) => new OpenAiRequestError(`${p.kind} too large (max ${max} bytes).`, param, `${p.kind}_too_large`),
  fetchFailed: (cause: string, param: string) => new OpenAiRequestError(`fetch failed: ${cause}`, param, "url_fetch_failed"),
  timedOut: (ms: number, param: string) => new OpenAiRequestError(`timed out after ${ms / 1000} s`, param, "url_fetch_timeout"),
  unsupportedType: (p: UrlInputPolicy, mime: string, param: string) =>
    new OpenAiRequestError(`Unsupported ${p.kind} type '${mime}' (allowed: ${p.allowedMimes.join(", ")}).`, param, `unsupported_${p.kind}_type`),
  notAnImage: (mime: string, param: string) => new OpenAiRequestError(`image content is not ${mime}.`, param, "invalid_image"),
  missingMediaType: (param: string) =>
    new OpenAiRequestError("input_file needs a media type: a data: URL, `source.media_type`, a typed URL response or a filename with a known extension.", param, "missing_media_type"),
  notText: (mime: string, param: string) => new OpenAiRequestError(`file content is not text, though typed ${mime}.`, param, "invalid_file"),
  pdfUnsupported: (param: string) =>
    new OpenAiRequestError("PDF files are not supported yet: this gateway has no PDF text extractor. Send the document's text instead (text/plain or text/markdown).", param, "pdf_not_supported"),
  tooManyUrlParts: (max: number, param: string) => new OpenAiRequestError(`Too many URL inputs (max ${max}).`, param, "too_many_url_parts"),
};

/** Checks a URL input before any network: the switch, the scheme and the allowlist. */
export function checkInputUrl(raw: string, policy: UrlInputPolicy, param: string): URL {
  if (!policy.allowUrl) throw inputErrors.urlDisabled(policy, param);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw inputErrors.badUrl(policy, param);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw inputErrors.badUrl(policy, param);
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (!hostAllowed(policy, host)) throw inputErrors.hostNotAllowed(policy, host, param);
  return url;
}

/** A controller that also aborts when `signal` does (a fetch batch that a client going away cancels). */
export function linkedController(signal?: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  return controller;
}
