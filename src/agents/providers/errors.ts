// Turns whatever an SDK or fetch threw into one ProviderError kind, chosen in this one place, so
// retries and fallbacks (fallback.ts) decide on kinds and messages name the config key to fix.
import { ProviderError, type ProviderErrorKind } from "../types.js";

/** What the adapter knew when the error escaped. */
export interface ErrorContext {
  provider: string;
  baseUrl: string;
  /** What an auth failure tells the user to check (ResolvedModel.apiKeySource). */
  keySource?: string;
  timeoutMs: number;
  /** The caller's signal fired. */
  aborted: boolean;
  /** Our idle timer fired. */
  timedOut: boolean;
}

/** A ProviderError with the server's Retry-After hint; types.ts has no field for it. */
export type RetryHintedError = ProviderError & { retryAfterMs?: number };

const CONTEXT_WORDING =
  /context[ _-]?length|context window|maximum context|prompt is too long|input is too long|too many tokens|reduce the length/i;

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH",
  "ENETUNREACH", "ENETDOWN", "UND_ERR_SOCKET", "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** The retry delay a 429/503 asked for, if the SDK exposed it. */
export function retryAfterMs(err: ProviderError): number | undefined {
  return (err as RetryHintedError).retryAfterMs;
}

/** The ProviderError an HTTP status stands for. */
export function errorForStatus(provider: string, status: number, detail: string, retryAfter?: number, keySource?: string): ProviderError {
  const suffix = detail ? `: ${detail}` : "";
  let err: RetryHintedError;
  if (status === 401 || status === 403) {
    err = new ProviderError(
      "auth",
      `${provider} rejected the API key (HTTP ${status}); check ${keySource ?? `models.providers.${provider}.apiKey`}`,
      provider,
      status,
    );
  } else if (status === 429) {
    err = new ProviderError("rate_limit", `${provider} rate limit reached (HTTP 429)${suffix}`, provider, status);
  } else if (status === 408) {
    err = new ProviderError("timeout", `${provider} timed out (HTTP 408)${suffix}`, provider, status);
  } else if (status >= 500) {
    err = new ProviderError("server", `${provider} server error (HTTP ${status})${suffix}`, provider, status);
  } else if (CONTEXT_WORDING.test(detail)) {
    err = new ProviderError("context_length", `${provider} context length exceeded (HTTP ${status})${suffix}`, provider, status);
  } else {
    err = new ProviderError("bad_request", `${provider} rejected the request (HTTP ${status})${suffix}`, provider, status);
  }
  if (retryAfter !== undefined) err.retryAfterMs = retryAfter;
  return err;
}

/** The ProviderError for an error reported inside a stream (no HTTP status, only a type or code). */
export function errorForType(provider: string, type: string | undefined, detail: string, keySource?: string): ProviderError {
  const text = `${type ?? ""} ${detail}`;
  let kind: ProviderErrorKind = "server";
  if (/rate_limit/i.test(text)) kind = "rate_limit";
  else if (/authentication|permission|invalid_api_key/i.test(text)) kind = "auth";
  else if (CONTEXT_WORDING.test(text)) kind = "context_length";
  else if (/invalid_request/i.test(text)) kind = "bad_request";
  if (kind === "auth") return errorForStatus(provider, 401, detail, undefined, keySource);
  return new ProviderError(kind, `${provider} stream failed${type ? ` (${type})` : ""}: ${detail || "unknown error"}`, provider);
}

/** Classifies anything an adapter caught. */
export function toProviderError(err: unknown, ctx: ErrorContext): ProviderError {
  if (err instanceof ProviderError) return err;
  const p = ctx.provider;
  if (ctx.aborted) return new ProviderError("aborted", `${p} request aborted`, p);
  if (ctx.timedOut || hasClass(err, "APIConnectionTimeoutError") || TIMEOUT_CODES.has(codeOf(err) ?? "")) {
    return new ProviderError("timeout", `${p} did not respond within ${Math.round(ctx.timeoutMs / 1000)} s`, p);
  }
  const e = err as { status?: unknown; headers?: unknown; name?: unknown } | null;
  if (typeof e?.status === "number") return errorForStatus(p, e.status, detailOf(err), retryAfterFrom(e.headers), ctx.keySource);
  if (hasClass(err, "APIUserAbortError") || e?.name === "AbortError") {
    return new ProviderError("aborted", `${p} request aborted`, p);
  }
  const code = codeOf(err);
  if ((code && NETWORK_CODES.has(code)) || hasClass(err, "APIConnectionError") || isFetchFailure(err)) {
    const why = code ?? causeMessage(err);
    return new ProviderError("network", `could not reach ${p} at ${ctx.baseUrl}${why ? ` (${why})` : ""}`, p);
  }
  if (hasClass(err, "APIError")) return errorForType(p, typeOf(err), detailOf(err), ctx.keySource);
  return new ProviderError("server", `${p} stream failed: ${messageOf(err)}`, p);
}

function hasClass(err: unknown, name: string): boolean {
  for (let proto = err ? Object.getPrototypeOf(err) : null; proto; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === name) return true;
  }
  return false;
}

// Node's fetch reports a dropped socket as TypeError("terminated" / "fetch failed") with the
// real code somewhere down the cause chain.
function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string" && /^[A-Z_]+$/.test(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

function isFetchFailure(err: unknown): boolean {
  return err instanceof TypeError && /terminated|fetch failed|other side closed/i.test(err.message);
}

function causeMessage(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown })?.cause;
  return cause instanceof Error ? cause.message : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// OpenAI puts `{message, type, code}` on `error`; Anthropic puts the whole `{type, error: {...}}` body there.
function bodyError(err: unknown): { message?: unknown; type?: unknown; code?: unknown } | undefined {
  const body = (err as { error?: unknown })?.error as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object") return undefined;
  const inner = body.error;
  return (inner && typeof inner === "object" ? inner : body) as { message?: unknown; type?: unknown; code?: unknown };
}

function detailOf(err: unknown): string {
  const body = bodyError(err);
  const parts = [body?.message, body?.code].filter((v): v is string => typeof v === "string" && v.length > 0);
  return parts.length ? parts.join(" ") : messageOf(err);
}

function typeOf(err: unknown): string | undefined {
  const body = bodyError(err);
  const t = body?.type ?? body?.code;
  return typeof t === "string" ? t : undefined;
}

/** Retry-After as milliseconds: `retry-after-ms`, then `retry-after` in seconds or as an HTTP date. */
export function retryAfterFrom(headers: unknown): number | undefined {
  const get = (headers as { get?: (name: string) => string | null } | undefined)?.get;
  if (typeof get !== "function") return undefined;
  const msRaw = get.call(headers, "retry-after-ms");
  if (msRaw && Number.isFinite(Number(msRaw))) return Math.max(0, Number(msRaw));
  const raw = get.call(headers, "retry-after");
  if (raw === null || raw === undefined || raw === "") return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
