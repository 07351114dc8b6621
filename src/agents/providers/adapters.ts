// Which adapter speaks which API. A registry owns its adapters (and so their SDK client caches);
// `getAdapter` is the process-wide default for callers that need no options.
import type { ProviderAdapter, ProviderApi } from "../types.js";
import { createAnthropicMessagesAdapter } from "./anthropic-messages.js";
import type { AdapterOptions } from "./guarded-stream.js";
import { createOpenAICompletionsAdapter } from "./openai-completions.js";
import { createOpenAIResponsesAdapter } from "./openai-responses.js";

export type { AdapterOptions } from "./guarded-stream.js";

/** A fresh adapter for `api`. */
export function createAdapter(api: ProviderApi, opts: AdapterOptions = {}): ProviderAdapter {
  switch (api) {
    case "openai-completions":
      return createOpenAICompletionsAdapter(opts);
    case "openai-responses":
      return createOpenAIResponsesAdapter(opts);
    case "anthropic-messages":
      return createAnthropicMessagesAdapter(opts);
    default:
      throw new Error(`unsupported provider api "${String(api)}"`);
  }
}

/** A lookup that builds each adapter on first use and keeps it. */
export function createAdapterRegistry(opts: AdapterOptions = {}): (api: ProviderApi) => ProviderAdapter {
  const adapters = new Map<ProviderApi, ProviderAdapter>();
  return (api) => {
    let adapter = adapters.get(api);
    if (!adapter) {
      adapter = createAdapter(api, opts);
      adapters.set(api, adapter);
    }
    return adapter;
  };
}

// The adapters hold nothing but SDK clients keyed by full connection identity, so sharing
// them between gateways in one process is safe and saves building clients twice.
const defaultRegistry = createAdapterRegistry();

/** The shared adapter for `api` (120 s idle timeout, up to 16 clients each). */
export function getAdapter(api: ProviderApi): ProviderAdapter {
  return defaultRegistry(api);
}
