// Retries, backoff and model fallback, once, above the adapters. A retryable failure before any
// output retries the same model, then moves down the chain; output already shown is never
// repeated, so a failure after it propagates.
import {
  ProviderError,
  type ProviderAdapter,
  type ProviderApi,
  type ProviderEvent,
  type ResolvedModel,
  type StreamRequest,
} from "../types.js";
import { getAdapter } from "./adapters.js";
import { retryAfterMs } from "./errors.js";

export { getAdapter } from "./adapters.js";

export type FallbackEvent = ProviderEvent | { type: "model"; model: ResolvedModel };

/** Reported before every attempt. */
export interface AttemptInfo {
  model: ResolvedModel;
  /** 0 for a model's first try. */
  attempt: number;
  /** Why the previous try failed: this model on a retry, the previous model on a fallback. */
  error?: ProviderError;
  /** The backoff waited before this retry. */
  delayMs?: number;
}

export interface FallbackOptions {
  /** Retries per model after its first try (default 2). */
  retries?: number;
  /** First backoff step (default 500 ms); doubles per retry, with jitter. */
  baseDelayMs?: number;
  /** Backoff ceiling (default 8 s). */
  maxDelayMs?: number;
  /** A server's Retry-After above this moves on to the next model instead of waiting (default 30 s). */
  maxRetryAfterMs?: number;
  onAttempt?(info: AttemptInfo): void;
  /** Adapter lookup; defaults to the shared `getAdapter`. */
  adapterFor?(api: ProviderApi): ProviderAdapter;
  /** Jitter source in [0, 1); tests pin it. */
  random?(): number;
}

/** Streams from the first model in `chain` that answers, announcing each model it starts. */
export async function* streamWithFallback(
  chain: ResolvedModel[],
  req: Omit<StreamRequest, "model">,
  opts: FallbackOptions = {},
): AsyncGenerator<FallbackEvent> {
  if (chain.length === 0) throw new Error("no model configured (set agents.defaults.model)");
  const { signal } = req;
  const retries = Math.max(0, opts.retries ?? 2);
  const adapterFor = opts.adapterFor ?? getAdapter;
  let lastError: ProviderError | undefined;
  for (const model of chain) {
    const adapter = adapterFor(model.api);
    let error = lastError;
    let delayMs: number | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (signal.aborted) throw abortedError(model);
      opts.onAttempt?.({ model, attempt, ...(error ? { error } : {}), ...(delayMs !== undefined ? { delayMs } : {}) });
      if (attempt === 0) yield { type: "model", model };
      let produced = false;
      try {
        for await (const event of adapter.stream({ ...req, model })) {
          if (event.type === "text-delta" || event.type === "tool-call") produced = true;
          yield event;
        }
        return;
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        if (signal.aborted) throw err.kind === "aborted" ? err : abortedError(model);
        // Auth is a config problem another try will not fix; output cannot be taken back.
        if (produced || err.kind === "aborted" || err.kind === "auth") throw err;
        lastError = error = err;
        if (!err.retryable || attempt === retries) break;
        const wait = backoff(err, attempt, opts);
        if (wait === undefined) break;
        delayMs = wait;
        await sleep(wait, signal, model);
      }
    }
  }
  throw lastError ?? new Error("no model answered");
}

// Retry-After wins when the server sent one; otherwise exponential with equal jitter.
function backoff(err: ProviderError, attempt: number, opts: FallbackOptions): number | undefined {
  const hinted = retryAfterMs(err);
  if (hinted !== undefined) return hinted > (opts.maxRetryAfterMs ?? 30_000) ? undefined : hinted;
  const ceiling = Math.min(opts.maxDelayMs ?? 8000, (opts.baseDelayMs ?? 500) * 2 ** attempt);
  const random = opts.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function sleep(ms: number, signal: AbortSignal, model: ResolvedModel): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(model));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function abortedError(model: ResolvedModel): ProviderError {
  return new ProviderError("aborted", `${model.provider} request aborted`, model.provider);
}
