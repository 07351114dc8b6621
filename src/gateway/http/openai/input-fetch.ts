// Fetches /v1 URL inputs through the guarded GET (guarded-fetch.ts: every hop resolved, checked
// and pinned) under an input policy, and turns each refusal or failure into the 400 the client
// must fix. Images are checked by their bytes as well as their Content-Type. Loaded on first use.
import { guardedFetch, GuardedFetchError, type GuardedResponse } from "../../../agents/tools/guarded-fetch.js";
import { hostAllowed, inputErrors, privateAllowed, type UrlInputPolicy } from "./url-inputs.js";

const USER_AGENT = "OpenClaw-Gateway (input fetch)";

export interface FetchInputOptions {
  /** Lower than the policy's cap when a request-wide budget has less room left. */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** GETs a checked URL (see checkInputUrl); anything but a 2xx body within the cap is a 400. */
export async function fetchInput(url: URL, policy: UrlInputPolicy, param: string, opts: FetchInputOptions = {}): Promise<GuardedResponse> {
  const maxBytes = Math.min(opts.maxBytes ?? policy.maxBytes, policy.maxBytes);
  let res: GuardedResponse;
  try {
    res = await guardedFetch(url.href, {
      maxBytes,
      overflow: "fail",
      timeoutMs: policy.timeoutMs,
      maxRedirects: policy.maxRedirects,
      ...(opts.signal ? { signal: opts.signal } : {}),
      headers: { "user-agent": USER_AGENT, accept: policy.kind === "image" ? "image/*" : "*/*" },
      hostAllowed: (host) => hostAllowed(policy, host),
      privateAllowed: (host) => privateAllowed(policy, host),
    });
  } catch (err) {
    if (!(err instanceof GuardedFetchError)) throw err;
    switch (err.kind) {
      case "host-not-allowed":
        throw inputErrors.hostNotAllowed(policy, new URL(err.url).hostname, param);
      case "blocked-address":
        throw inputErrors.blocked(policy, err.message, param);
      case "too-large":
        throw inputErrors.tooLarge(policy, maxBytes, param);
      case "timeout":
        throw inputErrors.timedOut(policy.timeoutMs, param);
      default:
        throw inputErrors.fetchFailed(err.message, param);
    }
  }
  if (res.status < 200 || res.status > 299) throw inputErrors.fetchFailed(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""} from ${res.url.href}`, param);
  return res;
}

const ascii = (buf: Buffer, start: number, end: number) => buf.subarray(start, end).toString("latin1");
const HEIC_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis"]);
const HEIF_BRANDS = new Set(["mif1", "msf1", "heif"]);

/** The image type the first bytes show, for the formats the gateway accepts by default. */
export function sniffImageMime(buf: Buffer): string | undefined {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return "image/jpeg";
  if (buf.length >= 6 && (ascii(buf, 0, 6) === "GIF87a" || ascii(buf, 0, 6) === "GIF89a")) return "image/gif";
  if (buf.length >= 12 && ascii(buf, 0, 4) === "RIFF" && ascii(buf, 8, 12) === "WEBP") return "image/webp";
  if (buf.length >= 12 && ascii(buf, 4, 8) === "ftyp") {
    const brand = ascii(buf, 8, 12);
    if (HEIC_BRANDS.has(brand)) return "image/heic";
    if (HEIF_BRANDS.has(brand)) return "image/heif";
  }
  return undefined;
}
const SNIFFABLE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif"]);

/**
 * The MIME type of an image: what its bytes show when they show a known format (servers often
 * label images application/octet-stream or wrongly), else the declared type. A declared known
 * format whose bytes are something else is refused: the model would be handed garbage.
 */
export function imageMime(body: Buffer, declared: string, policy: UrlInputPolicy, param: string): string {
  const sniffed = sniffImageMime(body);
  const mime = sniffed ?? declared;
  if (!sniffed && SNIFFABLE.has(declared)) throw inputErrors.notAnImage(declared, param);
  if (!mime || !policy.allowedMimes.includes(mime)) throw inputErrors.unsupportedType(policy, mime || "unknown", param);
  return mime;
}

/** Fetches an image URL into a base64 image block's fields. */
export async function fetchImage(url: URL, policy: UrlInputPolicy, param: string, opts: FetchInputOptions = {}): Promise<{ mimeType: string; data: string; bytes: number }> {
  const res = await fetchInput(url, policy, param, opts);
  const mimeType = imageMime(res.body, res.contentType, policy, param);
  return { mimeType, data: res.body.toString("base64"), bytes: res.body.length };
}
