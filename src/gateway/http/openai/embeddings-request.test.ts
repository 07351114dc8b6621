import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import type { OpenClawConfig } from "../../../config/schema.js";
import {
  decodeFloat32Base64,
  embeddingModelRef,
  EmbeddingsRequestError,
  encodeFloat32Base64,
  NO_EMBEDDING_MODEL,
  parseEmbeddingsRequest,
} from "./embeddings-request.js";

const req = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;
const cfg = (memorySearch?: Record<string, unknown>) => ({ agents: { defaults: memorySearch ? { memorySearch } : {} } }) as OpenClawConfig;

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmbeddingsRequestError) return err.message;
    throw err;
  }
  throw new Error("expected an EmbeddingsRequestError");
}

describe("parseEmbeddingsRequest", () => {
  it("accepts a string or an array of strings", () => {
    expect(parseEmbeddingsRequest({ model: "openclaw", input: "a" }).inputs).toEqual(["a"]);
    expect(parseEmbeddingsRequest({ model: "openclaw", input: ["a", "b"], encoding_format: "base64", dimensions: 8 })).toMatchObject({
      inputs: ["a", "b"],
      encodingFormat: "base64",
      dimensions: 8,
    });
  });

  it("enforces the reference's limits and messages", () => {
    expect(message(() => parseEmbeddingsRequest({ input: 3 }))).toBe("`input` must be a string or an array of strings.");
    expect(message(() => parseEmbeddingsRequest({ input: ["a", 1] }))).toBe("`input` must be a string or an array of strings.");
    expect(message(() => parseEmbeddingsRequest({ input: Array(129).fill("a") }))).toBe("Too many inputs (max 128).");
    expect(message(() => parseEmbeddingsRequest({ input: ["x".repeat(8193)] }))).toBe("Input too long (max 8192 chars).");
    expect(parseEmbeddingsRequest({ input: ["x".repeat(8192)] }).inputs).toHaveLength(1);
    expect(message(() => parseEmbeddingsRequest({ input: Array(9).fill("x".repeat(8000)) }))).toMatch(/max 65536 chars/);
    expect(message(() => parseEmbeddingsRequest({ input: "a", encoding_format: "int8" }))).toMatch(/encoding_format/);
    expect(message(() => parseEmbeddingsRequest({ input: "a", dimensions: -1 }))).toMatch(/dimensions/);
  });
});

describe("embeddingModelRef", () => {
  it("takes the header first, then memorySearch.model, then provider + model", () => {
    expect(embeddingModelRef(req({ "x-openclaw-model": "ollama/nomic-embed-text" }), cfg({ model: "openai/x" }), "main")).toBe("ollama/nomic-embed-text");
    expect(embeddingModelRef(req(), cfg({ model: "openai/text-embedding-3-small" }), "main")).toBe("openai/text-embedding-3-small");
    expect(embeddingModelRef(req(), cfg({ provider: "ollama", model: "nomic-embed-text" }), "main")).toBe("ollama/nomic-embed-text");
    expect(embeddingModelRef(req(), cfg({ model: "text-embedding-3-small" }), "main")).toBe("openai/text-embedding-3-small");
  });

  it("takes the agent's own memorySearch over the defaults, field by field", () => {
    const config = { agents: { defaults: { memorySearch: { provider: "ollama", model: "nomic-embed-text" } }, list: [{ id: "work", memorySearch: { model: "mxbai-embed-large" } }, { id: "home" }] } } as never;
    expect(embeddingModelRef(req(), config, "Work")).toBe("ollama/mxbai-embed-large");
    expect(embeddingModelRef(req(), config, "home")).toBe("ollama/nomic-embed-text");
  });

  it("says how to configure one when none is set", () => {
    expect(message(() => embeddingModelRef(req(), cfg(), "main"))).toBe(NO_EMBEDDING_MODEL);
    expect(message(() => embeddingModelRef(req({ "x-openclaw-model": "bad model" }), cfg(), "main"))).toBe("Invalid `x-openclaw-model`.");
  });
});

describe("float32 base64", () => {
  it("round-trips little-endian float32", () => {
    const v = [0.5, -1.25, 3];
    const b64 = encodeFloat32Base64(v);
    expect(Buffer.from(b64, "base64").readFloatLE(4)).toBe(-1.25);
    expect(decodeFloat32Base64(b64)).toEqual(v);
  });
});
