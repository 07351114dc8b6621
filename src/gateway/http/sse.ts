// One SSE writer: correct framing (no CR/LF in `event`, multi-line data split into `data:` lines),
// keep-alive comments while a run is quiet, `[DONE]`, and a close callback when the client goes.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface SseOptions {
  /** Comment line interval while nothing else is written (default 15 s). */
  keepAliveMs?: number;
  onClientClose?: () => void;
  headers?: Record<string, string>;
}

export class SseWriter {
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #keepAliveMs: number;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    opts: SseOptions = {},
  ) {
    this.#keepAliveMs = opts.keepAliveMs ?? 15_000;
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("Connection", "keep-alive");
    res.setHeader("X-Accel-Buffering", "no");
    for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const onClose = () => {
      if (this.#closed) return;
      this.#closed = true;
      clearTimeout(this.#timer);
      opts.onClientClose?.();
    };
    res.on("close", onClose);
    this.#arm();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #arm() {
    clearTimeout(this.#timer);
    if (this.#closed || this.#keepAliveMs <= 0) return;
    this.#timer = setTimeout(() => {
      this.#write(": keep-alive\n\n");
    }, this.#keepAliveMs);
    this.#timer.unref();
  }

  #write(text: string) {
    if (this.#closed) return;
    this.res.write(text);
    this.#arm();
  }

  /** Writes one event: optional `event:` line, then the data (objects as JSON). */
  send(data: unknown, event?: string): void {
    const payload = typeof data === "string" ? data : JSON.stringify(data);
    let frame = "";
    if (event) frame += `event: ${event.replace(/[\r\n]/g, "")}\n`;
    for (const line of payload.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
    this.#write(`${frame}\n`);
  }

  /** Writes `data: [DONE]` and ends the response. */
  done(): void {
    this.send("[DONE]");
    this.end();
  }

  end(): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#closed = true;
    this.res.end();
  }
}
