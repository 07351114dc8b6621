// Builds an OpenAI SDK client for a resolved model. The SDK is imported here, on first use only,
// so gateway startup never loads it.
import type OpenAI from "openai";
import type { ResolvedModel } from "../types.js";
import type { FetchLike } from "./http-transport.js";

/** `fetch` is the adapter's transport (http-transport.ts); without it the SDK uses the global fetch. */
export async function createOpenAIClient(model: ResolvedModel, timeoutMs: number, fetch?: FetchLike): Promise<OpenAI> {
  const { default: OpenAIClient } = await import("openai");
  return new OpenAIClient({
    baseURL: model.baseUrl,
    // Local servers take no key, but the SDK refuses to build a client without one.
    apiKey: model.apiKey || "no-key",
    defaultHeaders: model.headers,
    // Retries live once, above the adapters (fallback.ts).
    maxRetries: 0,
    timeout: timeoutMs,
    // Keep OPENAI_ORG_ID / OPENAI_PROJECT_ID from leaking into every configured provider.
    organization: null,
    project: null,
    ...(fetch ? { fetch } : {}),
  });
}

/** True when the base URL is OpenAI itself, which wants `max_completion_tokens`. */
export function isOpenAIHost(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === "api.openai.com";
  } catch {
    return false;
  }
}
