// One WebSocket connection: challenge, the first-frame rules of the handshake, auth, hello-ok,
// then request dispatch through the method registry. Close codes and texts match the captures.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type WebSocket from "ws";
import { ErrorCodes, GatewayError, Messages, type ErrorShape } from "../../errors.js";
import { ConnectParamsSchema, RequestFrameSchema, type ConnectParams, type HelloOk } from "../../protocol/frames.js";
import { isBrowserUiClient, isCliClient } from "../../protocol/client-info.js";
import { negotiateProtocol, MAX_PROTOCOL, MIN_PROTOCOL, type ProtocolProfile } from "../../protocol/profile.js";
import { lazyValidator } from "../../protocol/validator.js";
import type { SubsystemLogger } from "../../logging/logger.js";
import { reliesOnSharedSecret, type AuthMethod } from "../auth/authorize.js";
import type { CallerInfo, MethodContext } from "../methods/registry.js";
import type { GatewayServices } from "../services.js";
import type { EventPeer } from "./broadcast.js";
import { sendCoalesced, type Corkable } from "./coalesce.js";
import { closeReason } from "./close-reason.js";
import { authenticateConnect, type ConnectAuthResult } from "./connect-auth.js";

export const MAX_PREAUTH_PAYLOAD_BYTES = 64 * 1024;
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;
export const MAX_BUFFERED_BYTES = 50 * 1024 * 1024;
const UNAUTHORIZED_FLOOD_LIMIT = 10;
const SLOW_CALL_MS = 50;

const isRequestFrame = lazyValidator(RequestFrameSchema);
const isConnectParams = lazyValidator(ConnectParamsSchema);

export interface WsSettings {
  maxBufferedBytes: number;
  tickIntervalMs: number;
  handshakeTimeoutMs: number;
}

/** What a connection needs from the gateway. */
export interface ConnectionHost {
  readonly services: GatewayServices;
  readonly log: SubsystemLogger;
  settings(): WsSettings;
  /** Fingerprint of the current shared secret; a change closes sockets that used the old one. */
  authKey(): string;
  buildHello(conn: WsConnection, auth: ConnectAuthResult): HelloOk;
  onReady(conn: WsConnection): void;
  onClosed(conn: WsConnection): void;
}

type Phase = "pending" | "open" | "closed";

export class WsConnection implements EventPeer {
  readonly id = randomUUID();
  readonly nonce = randomUUID();
  readonly connectedAt = Date.now();
  seq = 0;
  profile!: ProtocolProfile;
  role = "operator";
  scopes: string[] = [];
  client: ConnectParams["client"] | undefined;
  caps: readonly string[] = [];
  deviceId: string | undefined;
  authMethod: AuthMethod | "device" | "bootstrap" | undefined;
  #authKey = "";
  #phase: Phase = "pending";
  #handshakeTimer: NodeJS.Timeout | undefined;
  #preauthBytes = 0;
  #unauthorizedStreak = 0;
  readonly #pending = new Map<string, AbortController>();
  readonly #idleWaiters: (() => void)[] = [];
  #draining = false;
  readonly #onRawData = (chunk: Buffer) => this.#countPreauthBytes(chunk);
  readonly socket: Corkable;

  constructor(
    readonly ws: WebSocket,
    readonly req: IncomingMessage,
    readonly remoteAddress: string,
    readonly isLocal: boolean,
    private readonly host: ConnectionHost,
    private releasePreauth: () => void,
  ) {
    const socket = req.socket as Duplex;
    this.socket = socket;
    socket.on("data", this.#onRawData);
    ws.on("message", (data: Buffer, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on("close", (code: number, reason: Buffer) => this.#onClose(code, reason.toString()));
    ws.on("error", (err: Error) => host.log.debug(`socket error conn=${this.id}: ${err.message}`));
    this.#handshakeTimer = setTimeout(() => this.#handshakeTimeout(), host.settings().handshakeTimeoutMs);
    ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: this.nonce, ts: Date.now() } }));
  }

  get phase(): Phase {
    return this.#phase;
  }

  get origin(): string | undefined {
    const o = this.req.headers.origin;
    return typeof o === "string" ? o : undefined;
  }

  caller(): CallerInfo {
    const info: CallerInfo = {
      connId: this.id,
      role: this.role,
      scopes: this.scopes,
      caps: this.caps,
      clientId: this.client?.id ?? "unknown",
      clientMode: this.client?.mode ?? "unknown",
      remoteAddress: this.remoteAddress,
      isLocal: this.isLocal,
      profile: this.profile,
      ...(this.deviceId ? { deviceId: this.deviceId } : {}),
    };
    return info;
  }

  /** Requests still being handled. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Stops taking new requests (they get a retryable UNAVAILABLE) while in-flight ones finish. */
  startDraining(): void {
    this.#draining = true;
  }

  /** Resolves when no request is in flight (or at once when none is). */
  whenIdle(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Closes with code 1012 after the shutdown broadcast. */
  closeForRestart(): void {
    this.#close(1012, Messages.serviceRestart);
  }

  #close(code: number, reason: string) {
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  /** Replies to the connect request, then closes in a microtask (as the reference does). */
  #rejectHandshake(id: string, error: ErrorShape, code: number, reason = error.message) {
    this.#sendRes(id, false, undefined, error);
    queueMicrotask(() => this.#close(code, closeReason(reason)));
  }

  #countPreauthBytes(chunk: Buffer) {
    this.#preauthBytes += chunk.length;
    // Slack for frame headers; the exact per-frame check is in #onPreauthMessage.
    if (this.#preauthBytes > MAX_PREAUTH_PAYLOAD_BYTES + 4096 && this.#phase === "pending") this.#preauthTooLarge();
  }

  #preauthTooLarge() {
    this.req.socket.off("data", this.#onRawData);
    this.#phase = "closed";
    this.#close(1009, Messages.preauthTooLarge);
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  #handshakeTimeout() {
    if (this.#phase !== "pending") return;
    this.host.log.warn(`handshake timeout conn=${this.id} remote=${this.remoteAddress}`);
    this.#close(1000, "");
  }

  #onMessage(data: Buffer, isBinary: boolean) {
    if (this.#phase === "pending") this.#onPreauthMessage(data, isBinary);
    else if (this.#phase === "open") this.#onFrame(data);
  }

  #onPreauthMessage(data: Buffer, isBinary: boolean) {
    if (data.length > MAX_PREAUTH_PAYLOAD_BYTES) return this.#preauthTooLarge();
    let frame: unknown;
    try {
      frame = JSON.parse(isBinary ? data.toString("utf8") : String(data));
    } catch {
      this.host.log.warn(`invalid handshake conn=${this.id} remote=${this.remoteAddress} reason=unparseable`);
      this.#phase = "closed";
      return this.#close(1000, "");
    }
    if (!isRequestFrame(frame)) {
      this.host.log.warn(`invalid handshake conn=${this.id} remote=${this.remoteAddress} reason=invalid-frame`);
      this.#phase = "closed";
      return this.#close(1008, Messages.invalidRequestFrame);
    }
    this.#phase = "closed"; // until proven otherwise: no second frame is processed pre-auth
    if (frame.method !== "connect") {
      const err = { code: ErrorCodes.INVALID_REQUEST, message: Messages.firstRequestMustBeConnect };
      return this.#rejectHandshake(frame.id, err, 1008);
    }
    const params = frame.params;
    if (!isConnectParams(params)) {
      const err = { code: ErrorCodes.INVALID_REQUEST, message: Messages.invalidConnectParams(isConnectParams.errorText()) };
      return this.#rejectHandshake(frame.id, err, 1008);
    }
    const profile = negotiateProtocol(params.minProtocol, params.maxProtocol);
    if (!profile) {
      this.host.log.warn(`protocol mismatch conn=${this.id} remote=${this.remoteAddress} client=${params.client.id}`);
      const err = {
        code: ErrorCodes.INVALID_REQUEST,
        message: Messages.protocolMismatch,
        details: {
          code: "PROTOCOL_MISMATCH",
          clientMinProtocol: params.minProtocol,
          clientMaxProtocol: params.maxProtocol,
          expectedProtocol: MAX_PROTOCOL,
          minimumProbeProtocol: MIN_PROTOCOL,
        },
      };
      return this.#rejectHandshake(frame.id, err, 1002, Messages.protocolMismatch);
    }
    const role = params.role ?? "operator";
    if (role !== "operator" && role !== "node") {
      return this.#rejectHandshake(frame.id, { code: ErrorCodes.INVALID_REQUEST, message: Messages.invalidRole }, 1008);
    }
    this.profile = profile;
    this.client = params.client;
    this.#phase = "pending";
    void this.#authenticate(frame.id, params, role);
  }

  async #authenticate(requestId: string, params: ConnectParams, role: string) {
    let result: ConnectAuthResult;
    try {
      result = await authenticateConnect(this.host.services, {
        params,
        role,
        nonce: this.nonce,
        remoteAddress: this.remoteAddress,
        peerAddress: this.req.socket.remoteAddress ?? "",
        isLocal: this.isLocal,
        origin: this.origin,
        hostHeader: this.req.headers.host,
        headers: this.req.headers,
      });
    } catch (err) {
      const shape = err instanceof GatewayError ? err.toShape() : { code: ErrorCodes.UNAVAILABLE, message: String(err) };
      this.#phase = "closed";
      return this.#rejectHandshake(requestId, shape, 1008);
    }
    if (this.ws.readyState !== 1) return;
    if (!result.ok) {
      const client = params.client;
      this.host.log.warn(
        `unauthorized conn=${this.id} remote=${this.remoteAddress} client=${client.id} ${client.mode} v${client.version} role=${role} scopes=${params.scopes?.length ?? 0} auth=${params.auth?.token ? "token" : params.auth?.password ? "password" : "none"} device=${params.device ? "yes" : "no"} reason=${result.error.message}`,
      );
      this.#phase = "closed";
      return this.#rejectHandshake(requestId, result.error.toShape(), 1008);
    }
    this.role = role;
    this.scopes = result.scopes;
    this.caps = params.caps ?? [];
    this.authMethod = result.method;
    if (result.deviceId) this.deviceId = result.deviceId;
    this.#authKey = this.host.authKey();
    this.#phase = "open";
    clearTimeout(this.#handshakeTimer);
    this.req.socket.off("data", this.#onRawData);
    this.releasePreauth();
    this.#sendRes(requestId, true, this.host.buildHello(this, result));
    this.host.onReady(this);
  }

  #onFrame(data: Buffer) {
    let frame: unknown;
    try {
      frame = JSON.parse(String(data));
    } catch {
      this.host.log.debug(`unparseable frame conn=${this.id}`);
      return;
    }
    const f = frame as { type?: unknown; id?: unknown };
    if (f.type === "cancel" && typeof f.id === "string") {
      if (this.profile.supportsCancel) this.#pending.get(f.id)?.abort(new Error("cancelled by client"));
      return;
    }
    if (!isRequestFrame(frame)) {
      if (typeof f.id === "string" && f.id) {
        this.#sendRes(f.id, false, undefined, { code: ErrorCodes.INVALID_REQUEST, message: Messages.invalidRequestFrame });
      }
      return;
    }
    // A rotated shared secret ends sockets that proved the old one; device tokens are separate credentials.
    if (reliesOnSharedSecret(this.authMethod) && this.#authKey !== this.host.authKey()) {
      this.#phase = "closed";
      return this.#close(4001, Messages.authChanged);
    }
    if (frame.method === "connect") {
      return this.#sendRes(frame.id, false, undefined, { code: ErrorCodes.INVALID_REQUEST, message: Messages.connectOnlyFirst });
    }
    if (this.#draining) {
      return this.#sendRes(frame.id, false, undefined, { code: ErrorCodes.UNAVAILABLE, message: Messages.shuttingDown, retryable: true, retryAfterMs: 1500 });
    }
    void this.#dispatch(frame.id, frame.method, frame.params);
  }

  async #dispatch(id: string, method: string, params: unknown) {
    const started = performance.now();
    const ac = new AbortController();
    this.#pending.set(id, ac);
    const ctx: MethodContext = {
      caller: this.caller(),
      gateway: this.host.services,
      requestId: id,
      signal: ac.signal,
      respond: (payload) => this.#sendRes(id, true, payload),
    };
    try {
      const payload = await this.host.services.methods.invoke(method, params, ctx);
      this.#unauthorizedStreak = 0;
      this.#sendRes(id, true, payload);
    } catch (err) {
      const shape = err instanceof GatewayError ? err.toShape() : { code: ErrorCodes.UNAVAILABLE, message: String(err) };
      this.#sendRes(id, false, err instanceof GatewayError ? err.payload : undefined, shape);
      if (shape.message.startsWith("unauthorized role:")) {
        if (++this.#unauthorizedStreak >= UNAUTHORIZED_FLOOD_LIMIT) this.#close(1008, Messages.repeatedUnauthorized);
      } else this.#unauthorizedStreak = 0;
    } finally {
      this.#pending.delete(id);
      if (this.#pending.size === 0) this.#idleWaiters.splice(0).forEach((resolve) => resolve());
      const ms = performance.now() - started;
      if (ms >= SLOW_CALL_MS) this.host.log.info(`slow call conn=${this.id} method=${method} ms=${Math.round(ms)}`);
    }
  }

  #sendRes(id: string, ok: boolean, payload?: unknown, error?: ErrorShape) {
    if (this.ws.readyState !== 1) return;
    if (this.ws.bufferedAmount > this.host.settings().maxBufferedBytes) {
      this.#phase = "closed";
      return this.#close(1008, Messages.slowConsumer);
    }
    let text = `{"type":"res","id":${JSON.stringify(id)},"ok":${ok}`;
    if (payload !== undefined) text += `,"payload":${JSON.stringify(payload)}`;
    if (error) text += `,"error":${JSON.stringify(error)}`;
    sendCoalesced(this.ws, this.socket, `${text}}`);
  }

  #onClose(code: number, reason: string) {
    const wasOpen = this.#phase === "open";
    this.#phase = "closed";
    clearTimeout(this.#handshakeTimer);
    this.req.socket.off("data", this.#onRawData);
    this.releasePreauth();
    for (const ac of this.#pending.values()) ac.abort(new Error("connection closed"));
    this.#pending.clear();
    this.#idleWaiters.splice(0).forEach((resolve) => resolve());
    if (wasOpen) this.host.onClosed(this);
    else this.host.log.debug(`closed before connect conn=${this.id} code=${code} reason=${reason}`);
  }

  /** True for clients tracked in presence (everything but the CLI). */
  tracksPresence(): boolean {
    return !!this.client && !isCliClient(this.client.id, this.client.mode);
  }

  isBrowserUi(): boolean {
    return !!this.client && isBrowserUiClient(this.client.id, this.client.mode);
  }
}
