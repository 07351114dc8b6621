// The browser's gateway connection: challenge -> signed connect -> hello-ok, requests by id,
// events by name, reconnect with capped exponential backoff, and a `gap` signal when an event's
// seq skips (the views then refetch instead of showing stale state).
import type { ConnectParams, EventFrame, HelloOk, ResponseFrame } from "../../src/protocol/frames.js";
import type { ErrorShape } from "../../src/errors.js";
import { MAX_PROTOCOL, MIN_PROTOCOL } from "../../src/protocol/profile.js";
import { CLI_DEFAULT_OPERATOR_SCOPES } from "../../src/protocol/scopes.js";
import { signConnect, type BrowserDevice } from "./device.js";

export type ConnState = "connecting" | "connected" | "disconnected" | "failed";

export class RpcError extends Error {
  constructor(readonly shape: ErrorShape) {
    super(shape.message);
  }
  get detailCode(): string | undefined {
    return (this.shape.details as { code?: string } | undefined)?.code;
  }
}

export interface Credentials {
  token?: string | undefined;
  deviceToken?: string | undefined;
}

export interface ConnectionOptions {
  url: string;
  version: string;
  device: () => Promise<BrowserDevice>;
  credentials: () => Credentials;
  /** Called with the device token the gateway issued, to keep for the next connect. */
  onDeviceToken?: (token: string) => void;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> };

// Auth failures need a human (a new token); retrying them only burns the rate limiter.
const FATAL_DETAIL_CODES = /^(AUTH_|CONTROL_UI_|DEVICE_AUTH_)/;

export class GatewayConnection extends EventTarget {
  state: ConnState = "disconnected";
  hello: HelloOk | undefined;
  lastError: ErrorShape | undefined;
  nextRetryAt: number | undefined;
  #ws: WebSocket | undefined;
  #pending = new Map<string, Pending>();
  #ids = 0;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #lastSeq: number | undefined;
  #stopped = true;

  constructor(readonly opts: ConnectionOptions) {
    super();
  }

  start(): void {
    this.#stopped = false;
    this.#attempt = 0;
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#ws?.close(1000, "client stop");
    this.#ws = undefined;
    this.#setState("disconnected");
  }

  /** Drops the socket and connects again now (after a settings change). */
  restart(): void {
    this.stop();
    this.start();
  }

  get methods(): readonly string[] {
    return this.hello?.features.methods ?? [];
  }

  hasMethod(name: string): boolean {
    return this.methods.includes(name);
  }

  request<T = unknown>(method: string, params: unknown = {}, timeoutMs = 30_000): Promise<T> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.state !== "connected") {
      return Promise.reject(new RpcError({ code: "UNAVAILABLE", message: "not connected to the gateway" }));
    }
    return this.#send<T>(ws, method, params, timeoutMs);
  }

  /** Subscribes to an event by name; returns the unsubscribe function. */
  on(event: string, fn: (payload: any, frame: EventFrame) => void): () => void {
    const listener = (e: Event) => {
      const frame = (e as CustomEvent<EventFrame>).detail;
      fn(frame.payload, frame);
    };
    this.addEventListener(`event:${event}`, listener);
    return () => this.removeEventListener(`event:${event}`, listener);
  }

  #send<T>(ws: WebSocket, method: string, params: unknown, timeoutMs: number): Promise<T> {
    const id = `ui-${++this.#ids}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RpcError({ code: "UNAVAILABLE", message: `${method} timed out after ${timeoutMs} ms` }));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ type: "req", id, method, params }));
    });
  }

  #setState(state: ConnState): void {
    this.state = state;
    this.dispatchEvent(new Event("state"));
  }

  #open(): void {
    clearTimeout(this.#retryTimer);
    this.nextRetryAt = undefined;
    this.#setState("connecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url);
    } catch (err) {
      this.lastError = { code: "UNAVAILABLE", message: String(err) };
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    this.#lastSeq = undefined;
    let handshake = false;
    ws.onmessage = (msg) => {
      let frame: any;
      try {
        frame = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (frame.type === "res") return this.#onResponse(frame as ResponseFrame);
      if (frame.type !== "event") return;
      if (frame.event === "connect.challenge" && !handshake) {
        handshake = true;
        void this.#connect(ws, String(frame.payload?.nonce ?? ""));
        return;
      }
      this.#onEvent(frame as EventFrame);
    };
    ws.onclose = (ev) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      for (const [id, p] of this.#pending) {
        clearTimeout(p.timer);
        p.reject(new RpcError({ code: "UNAVAILABLE", message: `connection closed (${ev.code})` }));
        this.#pending.delete(id);
      }
      if (this.#stopped) return;
      if (this.state === "failed") return;
      if (!this.lastError || this.state === "connected") this.lastError = { code: "UNAVAILABLE", message: `connection closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})` };
      this.#scheduleRetry();
    };
  }

  async #connect(ws: WebSocket, nonce: string): Promise<void> {
    const creds = this.opts.credentials();
    const auth: NonNullable<ConnectParams["auth"]> = {};
    if (creds.token) auth.token = creds.token;
    else if (creds.deviceToken) auth.deviceToken = creds.deviceToken;
    const params: ConnectParams = {
      minProtocol: MIN_PROTOCOL,
      maxProtocol: MAX_PROTOCOL,
      client: { id: "openclaw-control-ui", displayName: "Control UI", version: this.opts.version, platform: "web", mode: "ui" },
      role: "operator",
      scopes: [...CLI_DEFAULT_OPERATOR_SCOPES],
      caps: ["tool-events"],
      auth,
      ...(globalThis.navigator ? { locale: navigator.language, userAgent: navigator.userAgent } : {}),
    };
    try {
      params.device = await signConnect(await this.opts.device(), params, nonce);
      const hello = await this.#send<HelloOk>(ws, "connect", params, 15_000);
      this.hello = hello;
      this.lastError = undefined;
      this.#attempt = 0;
      if (hello.auth?.deviceToken) this.opts.onDeviceToken?.(hello.auth.deviceToken);
      this.#setState("connected");
      this.dispatchEvent(new Event("hello"));
    } catch (err) {
      const shape = err instanceof RpcError ? err.shape : { code: "UNAVAILABLE", message: (err as Error).message };
      this.lastError = shape;
      const code = (shape.details as { code?: string } | undefined)?.code ?? "";
      if (FATAL_DETAIL_CODES.test(code)) {
        this.#setState("failed");
        ws.close();
      }
      // Other refusals (pairing required, protocol) close the socket; onclose schedules the retry.
    }
  }

  #scheduleRetry(): void {
    const delay = Math.min(30_000, 500 * 2 ** this.#attempt) * (0.8 + Math.random() * 0.4);
    this.#attempt++;
    this.nextRetryAt = Date.now() + delay;
    this.#setState("disconnected");
    this.#retryTimer = setTimeout(() => this.#open(), delay);
  }

  #onResponse(frame: ResponseFrame): void {
    const p = this.#pending.get(frame.id);
    if (!p) return;
    this.#pending.delete(frame.id);
    clearTimeout(p.timer);
    if (frame.ok) p.resolve(frame.payload);
    else p.reject(new RpcError(frame.error ?? { code: "UNAVAILABLE", message: "request failed" }));
  }

  #onEvent(frame: EventFrame): void {
    if (typeof frame.seq === "number") {
      const last = this.#lastSeq;
      this.#lastSeq = frame.seq;
      if (last !== undefined && frame.seq > last + 1) this.dispatchEvent(new CustomEvent("gap", { detail: { expected: last + 1, received: frame.seq } }));
    }
    this.dispatchEvent(new CustomEvent(`event:${frame.event}`, { detail: frame }));
  }
}
