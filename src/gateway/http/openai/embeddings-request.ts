// The /v1/embeddings request (spec 4.6): input limits, the embedding model to use (header, else
// `agents.defaults.memorySearch`), and the float32 base64 encoding of a vector.
import type { IncomingMessage } from "node:http";
import type { OpenClawConfig } from "../../../config/schema.js";

export const MAX_EMBEDDING_INPUTS = 128;
export const MAX_EMBEDDING_INPUT_CHARS = 8192;
export const MAX_EMBEDDING_TOTAL_CHARS = 65_536;
export const DEFAULT_EMBEDDING_PROVIDER = "openai";
export const NO_EMBEDDING_MODEL =
  'No embedding model configured: set agents.defaults.memorySearch.model (e.g. "openai/text-embedding-3-small").';

export class EmbeddingsRequestError extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "EmbeddingsRequestError";
  }
}

export interface EmbeddingsRequest {
  model: unknown;
  user?: unknown;
  inputs: string[];
  encodingFormat: "float" | "base64";
  dimensions?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (!isObject(body)) throw new EmbeddingsRequestError("Request body must be a JSON object.");
  const input = body.input;
  const inputs = typeof input === "string" ? [input] : input;
  if (!Array.isArray(inputs) || !inputs.every((s) => typeof s === "string")) {
    throw new EmbeddingsRequestError("`input` must be a string or an array of strings.", "input", "invalid_input");
  }
  if (inputs.length === 0) throw new EmbeddingsRequestError("`input` must not be empty.", "input", "invalid_input");
  if (inputs.length > MAX_EMBEDDING_INPUTS) throw new EmbeddingsRequestError(`Too many inputs (max ${MAX_EMBEDDING_INPUTS}).`, "input", "too_many_inputs");
  let total = 0;
  for (const s of inputs) {
    if (s.length > MAX_EMBEDDING_INPUT_CHARS) throw new EmbeddingsRequestError(`Input too long (max ${MAX_EMBEDDING_INPUT_CHARS} chars).`, "input", "input_too_long");
    total += s.length;
  }
  if (total > MAX_EMBEDDING_TOTAL_CHARS) throw new EmbeddingsRequestError(`Inputs too long in total (max ${MAX_EMBEDDING_TOTAL_CHARS} chars).`, "input", "input_too_long");
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") throw new EmbeddingsRequestError('`encoding_format` must be "float" or "base64".', "encoding_format");
  const req: EmbeddingsRequest = { model: body.model, user: body.user, inputs, encodingFormat: format };
  if (body.dimensions !== undefined && body.dimensions !== null) {
    const d = body.dimensions;
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1) throw new EmbeddingsRequestError("`dimensions` must be a positive integer.", "dimensions");
    req.dimensions = d;
  }
  return req;
}

/**
 * The `provider/model` to embed with for `agentId`: `x-openclaw-model`, else the agent's
 * `memorySearch` over `agents.defaults.memorySearch` (spec 4.6: "the agent's memorySearch.model").
 */
export function embeddingModelRef(req: IncomingMessage, config: OpenClawConfig, agentId: string): string {
  const own = config.agents?.list?.find((a) => a.id.toLowerCase() === agentId.toLowerCase())?.memorySearch;
  const search = { ...config.agents?.defaults?.memorySearch, ...own } as Record<string, unknown>;
  const provider = typeof search.provider === "string" && search.provider.trim() ? search.provider.trim() : DEFAULT_EMBEDDING_PROVIDER;
  const raw = req.headers["x-openclaw-model"];
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (header) {
    if (!/^[\w.:-]+(?:\/\S+)?$/.test(header)) throw new EmbeddingsRequestError("Invalid `x-openclaw-model`.", null, "invalid_model");
    return header.includes("/") ? header : `${provider}/${header}`;
  }
  const model = typeof search.model === "string" ? search.model.trim() : "";
  if (!model) throw new EmbeddingsRequestError(NO_EMBEDDING_MODEL, "model", "embedding_model_not_configured");
  return model.includes("/") ? model : `${provider}/${model}`;
}

/** A vector as the OpenAI API's base64 form: float32, little-endian. */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString("base64");
}

/** The inverse, for upstreams that answer base64 although floats were asked for. */
export function decodeFloat32Base64(text: string): number[] {
  const buf = Buffer.from(text, "base64");
  const out: number[] = [];
  for (let i = 0; i + 4 <= buf.length; i += 4) out.push(buf.readFloatLE(i));
  return out;
}
