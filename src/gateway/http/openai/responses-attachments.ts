// `input_image` and `input_file` parts of /v1/responses: their limits (`responses.images`,
// `responses.files`, `maxUrlParts`), parsed in the shapes clients send (OpenAI `image_url`,
// `file_data`, `file_url`; OpenResponses `source`), then resolved once the whole input is known:
// URL images fetched into their parts, files read into blocks for the system prompt (so file
// text is never stored with the session's turns).
import type { ImagePart } from "../../../agents/sessions/types.js";
import { OpenAiRequestError } from "./errors.js";
import type { PendingFile } from "./input-files.js";
import { base64Bytes, checkInputUrl, FILE_MIMES, IMAGE_MIMES, inputErrors, linkedController, parseBase64DataUrl, urlInputPolicy, type FilePolicy, type UrlInputConfig, type UrlInputPolicy } from "./url-inputs.js";

export interface AttachmentLimits {
  /** Image and file parts given by URL, per request. */
  maxUrlParts: number;
  images: UrlInputPolicy;
  files: FilePolicy;
}

export interface AttachmentSettings {
  maxUrlParts?: number;
  images?: UrlInputConfig;
  files?: UrlInputConfig & { maxChars?: number };
}

const KEY = "gateway.http.endpoints.responses";

/** The reference's defaults (spec 4.8) under `gateway.http.endpoints.responses`. */
export function attachmentLimits(settings: AttachmentSettings = {}): AttachmentLimits {
  return {
    maxUrlParts: settings.maxUrlParts ?? 8,
    images: urlInputPolicy("image", `${KEY}.images`, settings.images, { allowUrl: true, maxBytes: 10 * 1024 * 1024, allowedMimes: IMAGE_MIMES }),
    files: {
      ...urlInputPolicy("file", `${KEY}.files`, settings.files, { allowUrl: true, maxBytes: 5 * 1024 * 1024, allowedMimes: FILE_MIMES }),
      maxChars: settings.files?.maxChars ?? 200_000,
    },
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/** One request's image and file parts, collected while the input is parsed. */
export class Attachments {
  readonly files: PendingFile[] = [];
  readonly #remoteImages: { url: URL; param: string; part: ImagePart }[] = [];
  #urlParts = 0;
  constructor(readonly limits: AttachmentLimits = attachmentLimits()) {}

  /** An `input_image` part; a URL one stays empty until `resolve`. */
  image(part: Obj, param: string): ImagePart {
    const policy = this.limits.images;
    const source = isObj(part.source) ? part.source : undefined;
    const ref = isObj(part.image_url) ? part.image_url.url : part.image_url;
    const url = str(ref) ?? (source?.type === "url" ? str(source.url) : undefined);
    const at = source ? `${param}.source` : `${param}.image_url`;
    if (source?.type === "base64") {
      const data = str(source.data);
      if (!data) throw new OpenAiRequestError("`source.data` must be base64 image data.", `${param}.source.data`);
      return this.#inlineImage(str(source.media_type)?.toLowerCase() ?? "", data.replace(/\s+/g, ""), at);
    }
    if (part.file_id !== undefined && !url) throw new OpenAiRequestError("`file_id` is not supported; send `image_url` (a data: or http(s) URL).", `${param}.file_id`, "unsupported_content");
    if (!url) throw new OpenAiRequestError("`input_image` needs `image_url` (a data: or http(s) URL) or a `source`.", at);
    if (/^data:/i.test(url)) {
      const parsed = parseBase64DataUrl(url);
      if (!parsed) throw new OpenAiRequestError("Invalid image data URL; expected data:<mime>;base64,<data>.", at);
      return this.#inlineImage(parsed.mime, parsed.data, at);
    }
    const checked = this.#urlPart(url, policy, at);
    const image: ImagePart = { type: "image", mimeType: "", data: "" };
    this.#remoteImages.push({ url: checked, param: at, part: image });
    return image;
  }

  /** An `input_file` part, kept for the system prompt. */
  file(part: Obj, param: string): void {
    const policy = this.limits.files;
    const source = isObj(part.source) ? part.source : undefined;
    const filename = str(part.filename) ?? str(source?.filename);
    const base = filename ? { filename } : {};
    if (source?.type === "url" || part.file_url !== undefined) {
      const at = source ? `${param}.source.url` : `${param}.file_url`;
      const url = str(source ? source.url : part.file_url);
      if (!url) throw new OpenAiRequestError("The file URL must be a non-empty string.", at);
      this.files.push({ param: at, ...base, url: this.#urlPart(url, policy, at) });
      return;
    }
    const at = source ? `${param}.source.data` : `${param}.file_data`;
    const raw = str(source ? source.data : part.file_data);
    if (!raw) {
      if (part.file_id !== undefined) throw new OpenAiRequestError("`file_id` is not supported; send `file_data` (base64) or `file_url`.", `${param}.file_id`, "unsupported_content");
      throw new OpenAiRequestError("`input_file` needs `file_data` (base64 or a data: URL), `file_url` or a `source`.", param);
    }
    const dataUrl = /^data:/i.test(raw) ? parseBase64DataUrl(raw) : undefined;
    if (/^data:/i.test(raw) && !dataUrl) throw new OpenAiRequestError("Invalid file data URL; expected data:<mime>;base64,<data>.", at);
    const declared = dataUrl?.mime ?? str(source?.media_type)?.toLowerCase();
    const [mime, charset] = declared ? splitType(declared) : [undefined, undefined];
    const data = dataUrl?.data ?? raw.replace(/\s+/g, "");
    // Checked before decoding: the body limit is larger than a file may be.
    if (base64Bytes(data) > policy.maxBytes) throw inputErrors.tooLarge(policy, policy.maxBytes, at);
    const cs = dataUrl?.charset ?? charset;
    this.files.push({ param: at, ...base, data: Buffer.from(data, "base64"), ...(mime ? { mime } : {}), ...(cs ? { charset: cs } : {}) });
  }

  /** Fetches the URL images into their parts and reads the files; returns the files' blocks. */
  async resolve(signal?: AbortSignal): Promise<string[]> {
    if (this.#remoteImages.length === 0 && this.files.length === 0) return [];
    // The first failure cancels the other fetches (the request is a 400 either way), and so does
    // `signal` (the client went away).
    const cancel = linkedController(signal);
    const failFast = <T>(work: Promise<T>) =>
      work.catch((err: unknown) => {
        cancel.abort();
        throw err;
      });
    const images = this.#remoteImages.length ? import("./input-fetch.js") : undefined;
    const files = this.files.length ? import("./input-files.js") : undefined;
    const [, blocks] = await Promise.all([
      Promise.all(
        this.#remoteImages.map(async ({ url, param, part }) => {
          const { fetchImage } = await images!;
          const got = await failFast(fetchImage(url, this.limits.images, param, { signal: cancel.signal }));
          part.mimeType = got.mimeType;
          part.data = got.data;
        }),
      ),
      Promise.all(this.files.map(async (f) => failFast((await files!).readInputFile(f, this.limits.files, cancel.signal)))),
    ]);
    return blocks;
  }

  #inlineImage(mime: string, data: string, param: string): ImagePart {
    const policy = this.limits.images;
    if (!mime || !policy.allowedMimes.includes(mime)) throw inputErrors.unsupportedType(policy, mime || "unknown", param);
    if (base64Bytes(data) > policy.maxBytes) throw inputErrors.tooLarge(policy, policy.maxBytes, param);
    return { type: "image", mimeType: mime, data };
  }

  #urlPart(raw: string, policy: UrlInputPolicy, param: string): URL {
    const url = checkInputUrl(raw, policy, param);
    if (++this.#urlParts > this.limits.maxUrlParts) throw inputErrors.tooManyUrlParts(this.limits.maxUrlParts, param);
    return url;
  }
}

function splitType(value: string): [string, string | undefined] {
  const [type = "", ...params] = value.split(";").map((p) => p.trim());
  const charset = params.find((p) => p.toLowerCase().startsWith("charset="))?.slice(8).replace(/"/g, "");
  return [type.toLowerCase(), charset || undefined];
}
