// A grammY API transformer that waits out Telegram's 429 (`parameters.retry_after`) and tries
// again, a bounded number of times; a wait longer than `maxWaitMs` is returned as the error.
import type { Transformer } from "grammy";

export interface RetryOptions {
  maxRetries: number;
  maxWaitMs: number;
  onWait?(ms: number, method: string): void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function retryOn429(opts: RetryOptions): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      const res = await prev(method, payload, signal);
      if (res.ok || res.error_code !== 429 || attempt >= opts.maxRetries) return res;
      const waitMs = (res.parameters?.retry_after ?? 1) * 1000;
      if (waitMs > opts.maxWaitMs) return res;
      opts.onWait?.(waitMs, method);
      await sleep(waitMs, signal as AbortSignal | undefined);
    }
  };
}
