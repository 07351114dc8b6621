// `input_file` contents for /v1/responses: inline base64 or a fetched URL, checked against
// `responses.files`, decoded as text (capped at `maxChars`) and rendered as a block for the system
// prompt. PDFs are refused: no PDF text extractor ships with the gateway yet. Loaded on first use.
import { looksBinary } from "../../../agents/tools/fs-utils.js";
import { renderFileBlock } from "./file-context.js";
import { fetchInput } from "./input-fetch.js";
import { inputErrors, type FilePolicy } from "./url-inputs.js";

/** A parsed `input_file` part, read by `readInputFile`. */
export type PendingFile = { param: string; filename?: string } & ({ data: Buffer; mime?: string; charset?: string } | { url: URL });

const BY_EXTENSION: Record<string, string> = {
  txt: "text/plain",
  text: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  html: "text/html",
  htm: "text/html",
  csv: "text/csv",
  json: "application/json",
  pdf: "application/pdf",
};

function mimeOfName(name: string | undefined): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name ?? "")?.[1]?.toLowerCase();
  return ext ? BY_EXTENSION[ext] : undefined;
}

function lastSegment(url: URL): string | undefined {
  const seg = url.pathname.split("/").filter(Boolean).at(-1);
  if (!seg) return undefined;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

function decodeText(body: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    // An unknown charset label: UTF-8 is the best guess left.
    return new TextDecoder("utf-8").decode(body);
  }
}

/** Reads one file into its system-prompt block, or throws the 400 that explains why not. */
export async function readInputFile(file: PendingFile, policy: FilePolicy, signal?: AbortSignal): Promise<string> {
  let body: Buffer;
  let declared: string | undefined;
  let charset: string | undefined;
  let name = file.filename;
  if ("url" in file) {
    const res = await fetchInput(file.url, policy, file.param, signal ? { signal } : {});
    body = res.body;
    declared = res.contentType || undefined;
    charset = res.charset;
    name ??= lastSegment(res.url);
  } else {
    body = file.data;
    declared = file.mime;
    charset = file.charset;
  }
  // A generic or missing type says nothing; the name may.
  const mime = declared && declared !== "application/octet-stream" ? declared : mimeOfName(name);
  if (!mime) throw inputErrors.missingMediaType(file.param);
  if (!policy.allowedMimes.includes(mime)) throw inputErrors.unsupportedType(policy, mime, file.param);
  if (mime === "application/pdf") throw inputErrors.pdfUnsupported(file.param);
  if (body.length > policy.maxBytes) throw inputErrors.tooLarge(policy, policy.maxBytes, file.param);
  if (looksBinary(body.subarray(0, 8192))) throw inputErrors.notText(mime, file.param);
  let text = decodeText(body, charset);
  if (text.length > policy.maxChars) text = `${text.slice(0, policy.maxChars)}\n[truncated: the file has more than ${policy.maxChars} characters]`;
  return renderFileBlock(name ?? "file", mime, text);
}
