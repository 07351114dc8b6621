// The only place that writes events to sockets: stamps seq (per connection in v4, global in v3,
// and only for frames actually sent), applies scope guards, drops droppable frames for slow
// consumers and closes the others with 1008, and targets subsets.
import type WebSocket from "ws";
import { eventGuard } from "../../protocol/events.js";
import { hasScope } from "../../protocol/scopes.js";
import type { ProtocolProfile } from "../../protocol/profile.js";
import { Messages } from "../../errors.js";
import { sendCoalesced, type Corkable } from "./coalesce.js";

/** What the broadcaster needs to know about a connected socket. */
export interface EventPeer {
  readonly id: string;
  readonly ws: WebSocket;
  readonly profile: ProtocolProfile;
  readonly role: string;
  readonly scopes: readonly string[];
  /** Capabilities the client advertised (e.g. `tool-events`). */
  readonly caps?: readonly string[];
  /** Per-connection counter for v4; the broadcaster increments it only when it sends. */
  seq: number;
  /** The underlying TCP socket, when known: frames sent in one event-loop turn share a write. */
  readonly socket?: Corkable;
}

export interface BroadcastOptions {
  /** Skip (rather than disconnect) a peer whose send buffer is over the cap. */
  dropIfSlow?: boolean;
  stateVersion?: { presence: number; health: number };
  /** Only these connection ids receive the event. */
  targets?: ReadonlySet<string>;
  /** A different payload for protocol 3 peers (v4-only fields removed). */
  v3Payload?: unknown;
}

export class Broadcaster {
  readonly #peers = new Map<string, EventPeer>();
  #globalSeq = 0;

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly onSlowConsumer: (peer: EventPeer) => void = () => {},
  ) {}

  add(peer: EventPeer): void {
    this.#peers.set(peer.id, peer);
  }

  remove(id: string): void {
    this.#peers.delete(id);
  }

  get size(): number {
    return this.#peers.size;
  }

  peers(): IterableIterator<EventPeer> {
    return this.#peers.values();
  }

  /** Sends an event to every eligible peer; returns how many received it. */
  broadcast(event: string, payload: unknown, opts: BroadcastOptions = {}): number {
    if (this.#peers.size === 0) return 0;
    const guard = eventGuard(event);
    const payloadJson = payload === undefined ? undefined : JSON.stringify(payload);
    const svJson = opts.stateVersion ? JSON.stringify(opts.stateVersion) : undefined;
    const head = `{"type":"event","event":${JSON.stringify(event)}${payloadJson === undefined ? "" : `,"payload":${payloadJson}`}`;
    const v3Head = opts.v3Payload === undefined ? head : `{"type":"event","event":${JSON.stringify(event)},"payload":${JSON.stringify(opts.v3Payload)}`;
    const tail = `${svJson ? `,"stateVersion":${svJson}` : ""}}`;
    let globalSeq: number | undefined;
    let sent = 0;
    for (const peer of this.#peers.values()) {
      if (opts.targets && !opts.targets.has(peer.id)) continue;
      if (!this.#allowed(peer, guard)) continue;
      if (peer.ws.readyState !== 1) continue;
      if (peer.ws.bufferedAmount > this.maxBufferedBytes) {
        if (opts.dropIfSlow) continue;
        this.#closeSlow(peer);
        continue;
      }
      let seqPart = "";
      if (peer.profile.seqScope === "connection") seqPart = `,"seq":${++peer.seq}`;
      else if (!opts.targets) seqPart = `,"seq":${(globalSeq ??= ++this.#globalSeq)}`;
      sendCoalesced(peer.ws, peer.socket, (peer.profile.version === 3 ? v3Head : head) + seqPart + tail);
      sent++;
    }
    return sent;
  }

  /** Sends one event to one peer (the challenge, per-connection notices). */
  sendTo(peer: EventPeer, event: string, payload: unknown, opts: Omit<BroadcastOptions, "targets"> = {}): boolean {
    return this.broadcast(event, payload, { ...opts, targets: new Set([peer.id]) }) > 0;
  }

  #allowed(peer: EventPeer, guard: string | null): boolean {
    if (guard === null) return true;
    if (peer.role !== "operator") return false;
    return hasScope(peer.scopes, guard);
  }

  #closeSlow(peer: EventPeer) {
    this.#peers.delete(peer.id);
    this.onSlowConsumer(peer);
    try {
      peer.ws.close(1008, Messages.slowConsumer);
    } catch {
      peer.ws.terminate();
    }
  }
}
