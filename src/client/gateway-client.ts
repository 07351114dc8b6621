// The WS protocol client used by the CLI (and tests): challenge -> connect -> hello-ok, then
// requests with timeouts and `expectFinal`. Imports no server code and no schema compiler.
import { randomUUID } from "node:crypto";
import os from "node:os";
import WebSocket from "ws";
import type { ConnectParams, EventFrame, HelloOk, ResponseFrame } from "../protocol/frames.js";
import type { ErrorShape } from "../errors.js";
import { CLI_DEFAULT_OPERATOR_SCOPES } from "../protocol/scopes.js";
import type { ClientId, ClientMode } from "../protocol/client-info.js";
import { signConnectDevice, type DeviceSigner } from "./device-identity.js";
import { describeTlsFailure, normalizeFingerprint, pinnedConnection, TlsTrustError } from "./tls-pin.js";
import { Messages } from "../errors.js";

export interface GatewayClientOptions {
  url: string;
  token?: string;
  password?: string;
  /** A device token this gateway issued earlier (sent as `auth.deviceToken`). */
  deviceToken?: string;
  /**
   * For wss://: accept only the certificate with this SHA-256 fingerprint (a self-signed gateway
   * certificate), checked before anything is sent.
   */
  tlsFingerprint?: string;
  /** Signs the connect with this device identity once the challenge nonce arrives. */
  device?: DeviceSigner;
  clientId?: ClientId;
  clientMode?: ClientMode;
  clientVersion?: string;
  displayName?: string;
  scopes?: string[];
  caps?: string[];
  minProtocol?: number;
  maxProtocol?: number;
  /** Budget for challenge + connect + hello-ok. */
  connectTimeoutMs?: number;
  /** Default per-request timeout. */
  requestTimeoutMs?: number;
  onEvent?: (event: EventFrame) => void;
  /** Called when an event's seq skips (events are never replayed: refresh state). */
  onGap?: (expected: number, received: number) => void;
  onClose?: (code: number, reason: string) => void;
}

export type GatewayClientErrorKind = "unreachable" | "timeout" | "closed" | "rejected" | "rpc" | "tls";

/** Every client failure, with a kind the CLI maps to one clear line. */
export class GatewayClientError extends Error {
  constructor(
    readonly kind: GatewayClientErrorKind,
    message: string,
    readonly shape?: ErrorShape,
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = "GatewayClientError";
  }
  get code(): string | undefined {
    return this.shape?.code;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  expectFinal: boolean;
  method: string;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Wait past an `{status:"accepted"}` ack for the final response with the same id. */
  expectFinal?: boolean;
}

export class GatewayClient {
  readonly hello: HelloOk;
  readonly #ws: WebSocket;
  readonly #pending = new Map<string, Pending>();
  readonly #opts: GatewayClientOptions;
  #nextId = 1;
  #lastSeq: number | undefined;
  #closed = false;
  readonly #listeners = new Set<(event: EventFrame) => void>();

  private constructor(ws: WebSocket, hello: HelloOk, opts: GatewayClientOptions) {
    this.#ws = ws;
    this.hello = hello;
    this.#opts = opts;
    ws.on("message", (data) => this.#onMessage(String(data)));
    ws.on("close", (code, reason) => this.#onClose(code, reason.toString()));
    ws.on("error", () => {
      /* surfaced through close */
    });
  }

  /** Adds an event listener (in addition to `onEvent` from the options). */
  onEvent(listener: (event: EventFrame) => void): void {
    this.#listeners.add(listener);
  }

  get protocol(): number {
    return this.hello.protocol;
  }

  /** The device token the gateway issued or confirmed in hello-ok (device connects only). */
  get deviceAuth(): { deviceToken: string; role: string; scopes: string[]; issuedAtMs?: number } | undefined {
    const auth = this.hello.auth;
    if (!auth?.deviceToken) return undefined;
    return { deviceToken: auth.deviceToken, role: auth.role, scopes: [...auth.scopes], ...(auth.issuedAtMs !== undefined ? { issuedAtMs: auth.issuedAtMs } : {}) };
  }

  /** Opens the socket, answers the challenge and resolves with a connected client. */
  static connect(opts: GatewayClientOptions): Promise<GatewayClient> {
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      let settled = false;
      let pin: string | undefined;
      if (opts.tlsFingerprint !== undefined && opts.url.startsWith("wss:")) {
        pin = normalizeFingerprint(opts.tlsFingerprint);
        if (!pin) return reject(new GatewayClientError("tls", Messages.tlsBadFingerprint(opts.tlsFingerprint)));
      }
      const ws = new WebSocket(opts.url, {
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
        ...(pin ? { createConnection: pinnedConnection(opts.url, pin) as never } : {}),
      });
      const fail = (err: GatewayClientError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners("message");
        ws.on("error", () => {});
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new GatewayClientError("timeout", `gateway did not complete the handshake within ${timeoutMs}ms (${opts.url})`)),
        timeoutMs,
      );
      const connectId = "c1";
      ws.on("error", (err: NodeJS.ErrnoException) => {
        const tlsFailure = err instanceof TlsTrustError ? err : describeTlsFailure(opts.url, err);
        if (tlsFailure) return fail(new GatewayClientError("tls", tlsFailure.message));
        const code = err.code ?? "";
        const reason = code === "ECONNREFUSED" ? "connection refused" : err.message;
        fail(new GatewayClientError("unreachable", `gateway not reachable at ${opts.url}: ${reason}`));
      });
      ws.on("close", (code, reason) => {
        const text = reason.toString();
        fail(new GatewayClientError("closed", `gateway closed the connection (${code}${text ? ` ${text}` : ""})`, undefined, code));
      });
      ws.on("message", (data) => {
        if (settled) return;
        let frame: { type?: string; event?: string; id?: string; ok?: boolean; payload?: unknown; error?: ErrorShape };
        try {
          frame = JSON.parse(String(data));
        } catch {
          fail(new GatewayClientError("rejected", "gateway sent a frame that is not JSON"));
          return;
        }
        if (frame.type === "event" && frame.event === "connect.challenge") {
          const params = buildConnectParams(opts);
          const nonce = (frame.payload as { nonce?: unknown } | undefined)?.nonce;
          if (opts.device && typeof nonce === "string") {
            try {
              params.device = signConnectDevice(params, nonce, opts.device);
            } catch (err) {
              fail(new GatewayClientError("closed", `could not sign the connect with this device identity: ${(err as Error).message}`));
              return;
            }
          }
          ws.send(JSON.stringify({ type: "req", id: connectId, method: "connect", params }));
          return;
        }
        if (frame.type === "res" && frame.id === connectId) {
          if (!frame.ok) {
            const shape = frame.error ?? { code: "UNAVAILABLE", message: "connect failed" };
            fail(new GatewayClientError("rejected", shape.message, shape));
            return;
          }
          settled = true;
          clearTimeout(timer);
          ws.removeAllListeners("message");
          ws.removeAllListeners("close");
          ws.removeAllListeners("error");
          resolve(new GatewayClient(ws, frame.payload as HelloOk, opts));
        }
      });
    });
  }

  /** Sends a request and resolves with its payload, or rejects with a GatewayClientError. */
  request<T = unknown>(method: string, params?: unknown, options: RequestOptions = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new GatewayClientError("closed", "gateway connection is closed"));
    const id = `r${this.#nextId++}`;
    const timeoutMs = options.timeoutMs ?? this.#opts.requestTimeoutMs ?? 10_000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        if (this.protocol >= 4) this.#sendRaw({ type: "cancel", id });
        reject(new GatewayClientError("timeout", `${method} timed out after ${timeoutMs}ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
        expectFinal: options.expectFinal ?? false,
        method,
      });
      const frame: Record<string, unknown> = { type: "req", id, method };
      if (params !== undefined) frame.params = params;
      this.#sendRaw(frame);
    });
  }

  close(code = 1000, reason = ""): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = setTimeout(() => {
        this.#ws.terminate();
        resolve();
      }, 1000);
      done.unref();
      this.#ws.once("close", () => {
        clearTimeout(done);
        resolve();
      });
      this.#ws.close(code, reason);
    });
  }

  #sendRaw(frame: unknown) {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(frame));
  }

  #onMessage(text: string) {
    let frame: (ResponseFrame & { type: "res" }) | (EventFrame & { type: "event" });
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.type === "res") {
      const pending = this.#pending.get(frame.id);
      if (!pending) return;
      const payload = frame.payload as { status?: string } | undefined;
      if (frame.ok && pending.expectFinal && payload?.status === "accepted") return;
      clearTimeout(pending.timer);
      this.#pending.delete(frame.id);
      if (frame.ok) pending.resolve(frame.payload);
      else {
        const shape = frame.error ?? { code: "UNAVAILABLE", message: `${pending.method} failed` };
        pending.reject(new GatewayClientError("rpc", shape.message, shape));
      }
      return;
    }
    if (frame.type === "event") {
      if (typeof frame.seq === "number") {
        if (this.#lastSeq !== undefined && frame.seq > this.#lastSeq + 1) this.#opts.onGap?.(this.#lastSeq + 1, frame.seq);
        this.#lastSeq = frame.seq;
      }
      this.#opts.onEvent?.(frame);
      for (const l of this.#listeners) l(frame);
    }
  }

  #onClose(code: number, reason: string) {
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new GatewayClientError("closed", `gateway closed the connection (${code}${reason ? ` ${reason}` : ""})`, undefined, code),
      );
      this.#pending.delete(id);
    }
    this.#opts.onClose?.(code, reason);
  }
}

/**
 * The connect `locale`, from the POSIX locale variables (what ICU itself reads there). Asking Intl
 * instead loads ICU data on first use, about 30 ms of every CLI command.
 */
export function clientLocale(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const raw = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  const m = /^([a-zA-Z]{2,3})(?:[_-]([a-zA-Z]{2}|\d{3}))?(?:[.@]|$)/.exec(raw);
  if (m) return m[2] ? `${m[1]!.toLowerCase()}-${m[2].toUpperCase()}` : m[1]!.toLowerCase();
  return platform === "win32" ? Intl.DateTimeFormat().resolvedOptions().locale : "en-US";
}

function buildConnectParams(opts: GatewayClientOptions): ConnectParams {
  const params: ConnectParams = {
    minProtocol: opts.minProtocol ?? 3,
    maxProtocol: opts.maxProtocol ?? 4,
    client: {
      id: opts.clientId ?? "cli",
      version: opts.clientVersion ?? "0.0.0",
      platform: process.platform,
      mode: opts.clientMode ?? "cli",
      instanceId: randomUUID(),
    },
    role: "operator",
    scopes: opts.scopes ?? CLI_DEFAULT_OPERATOR_SCOPES,
    caps: opts.caps ?? [],
    locale: clientLocale(),
    userAgent: `openclaw-cli/${opts.clientVersion ?? "0.0.0"} node/${process.versions.node} ${os.platform()}`,
  };
  if (opts.displayName) params.client.displayName = opts.displayName;
  const auth: NonNullable<ConnectParams["auth"]> = {};
  if (opts.token) auth.token = opts.token;
  if (opts.password) auth.password = opts.password;
  if (opts.deviceToken) auth.deviceToken = opts.deviceToken;
  if (Object.keys(auth).length > 0) params.auth = auth;
  return params;
}
