// Runs one provider HTTP stream under the caller's abort signal and an idle timeout, maps each
// SDK chunk to ProviderEvents, and turns whatever escapes into a ProviderError. A whole-answer
// call (StreamRequest.incremental false) comes through here too, as a list of the chunks its
// answer stands for, with the timer covering the one call.
import { ProviderError, type ProviderEvent, type StreamRequest } from "../types.js";
import { toProviderError } from "./errors.js";

export const DEFAULT_TIMEOUT_MS = 120_000;
/** Limit for a whole-answer call (no chunks to watch): the openai SDK's own default. */
export const DEFAULT_WHOLE_TIMEOUT_MS = 600_000;

/** Options every adapter factory takes. */
export interface AdapterOptions {
  /** Longest silence (no response headers, no chunk) before the request fails as `timeout`. Default 120 s. */
  timeoutMs?: number;
  /**
   * Longest wait for a whole-answer call (StreamRequest.incremental false), which stays silent
   * until the model has finished. Default 10 min; the run's own timeout applies as well.
   */
  wholeTimeoutMs?: number;
  /** SDK clients kept per adapter (one per baseUrl/apiKey/headers). Default 16. */
  maxClients?: number;
}

/** Turns one API's chunks into ProviderEvents; `end` runs once after the last chunk. */
export interface StreamMapper<C> {
  chunk(chunk: C): ProviderEvent[];
  end(): ProviderEvent[];
}

export async function* guardedStream<C>(
  req: StreamRequest,
  timeoutMs: number,
  open: (signal: AbortSignal) => Promise<AsyncIterable<C> | Iterable<C>>,
  mapper: StreamMapper<C>,
): AsyncGenerator<ProviderEvent> {
  const { model, signal } = req;
  if (signal.aborted) throw new ProviderError("aborted", `${model.provider} request aborted`, model.provider);
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  // An idle timer, not a deadline: long generations are fine as long as chunks keep coming.
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let finished = false;
  try {
    const source = await open(controller.signal);
    for await (const chunk of source) {
      timer.refresh();
      for (const event of mapper.chunk(chunk)) yield event;
      timer.refresh();
    }
    // The SDKs end the iteration quietly when their request is aborted mid-body.
    if (controller.signal.aborted) throw new Error("stream ended by abort");
    for (const event of mapper.end()) yield event;
    finished = true;
  } catch (err) {
    throw toProviderError(err, {
      provider: model.provider,
      baseUrl: model.baseUrl,
      ...(model.apiKeySource ? { keySource: model.apiKeySource } : {}),
      timeoutMs,
      aborted: signal.aborted && !timedOut,
      timedOut,
    });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    // A consumer that stops early must not leave the HTTP request streaming.
    if (!finished) controller.abort();
  }
}
