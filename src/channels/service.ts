// The gateway's handle on its channels. The ChannelManager (and every plugin) is imported only
// when a channel is configured or a caller needs it, so a gateway without channels starts and
// answers channels.status without loading any of it.
import type { SecretValues } from "../secrets/values.js";
import type { RunEngine } from "../agents/engine/engine.js";
import type { LastRoute } from "../automation/delivery.js";
import type { OpenClawConfig } from "../config/schema.js";
import { invalidRequest, Messages } from "../errors.js";
import type { HttpStage } from "../gateway/http/router.js";
import type { ChannelManager, ChannelSendRequest, ChannelSendResult, ChannelStatusResult } from "./manager.js";
import type { PairingRequestEntry } from "./pairing-store.js";
import type { SupervisorTiming } from "./supervisor.js";
import { webhookStage } from "./webhook-stage.js";

export type { ChannelSendRequest, ChannelSendResult, ChannelStatusResult } from "./manager.js";
export type { PairingRequestEntry } from "./pairing-store.js";

/** What methods, HTTP stages and the scheduler may use (GatewayServices.channels). */
export interface ChannelService {
  /** Outbound text; the same idempotencyKey delivers once. Chunks to the channel's limit. */
  send(req: ChannelSendRequest): Promise<ChannelSendResult>;
  status(opts?: { probe?: boolean; timeoutMs?: number }): Promise<ChannelStatusResult>;
  logout(channel: string, accountId?: string): Promise<{ channel: string; accountId: string; cleared: boolean }>;
  pairingList(channel?: string): Promise<PairingRequestEntry[]>;
  pairingApprove(channel: string, code: string): Promise<PairingRequestEntry>;
  /** Channels whose accounts are failing (readiness). */
  failing(): string[];
}

export interface ChannelsDeps {
  config(): OpenClawConfig;
  env: NodeJS.ProcessEnv;
  /** Resolved SecretRef values (channel tokens given as references). */
  secrets?: SecretValues;
  stateDir: string;
  engine: RunEngine;
  log(): { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void };
  timing?: Partial<SupervisorTiming>;
  /** Remembers where a session's last inbound message came from (the "last" delivery target). */
  recordRoute?(agentId: string, sessionKey: string, route: LastRoute): void;
}

/** The channels this build has a plugin for. */
export const CHANNEL_IDS: readonly string[] = ["telegram"];

export class Channels implements ChannelService {
  #manager: ChannelManager | undefined;
  #loading: Promise<ChannelManager> | undefined;

  constructor(private readonly deps: ChannelsDeps) {}

  #load(): Promise<ChannelManager> {
    return (this.#loading ??= import("./manager.js").then((m) => (this.#manager = new m.ChannelManager(this.deps))));
  }

  #hasChannels(config = this.deps.config()): boolean {
    return Object.keys(config.channels ?? {}).some((k) => k !== "defaults" && k !== "modelByChannel");
  }

  /** Starts configured accounts (after the gateway listens); a no-op without channels. */
  async start(): Promise<void> {
    if (!this.#hasChannels()) return;
    await (await this.#load()).start();
  }

  async stop(): Promise<void> {
    await this.#manager?.stop();
  }

  /** Hot reload: restarts only channels whose `channels.<id>` section changed. */
  async reconfigure(next: OpenClawConfig): Promise<string[]> {
    if (!this.#manager && !this.#hasChannels(next)) return [];
    return (await this.#load()).reconfigure(next);
  }

  async send(req: ChannelSendRequest): Promise<ChannelSendResult> {
    if (!CHANNEL_IDS.includes(req.channel.trim().toLowerCase())) throw invalidRequest(Messages.unknownChannel(req.channel));
    return (await this.#load()).send(req);
  }

  async status(opts: { probe?: boolean; timeoutMs?: number } = {}): Promise<ChannelStatusResult> {
    if (!this.#manager && !this.#hasChannels()) {
      return { ts: Date.now(), channelOrder: [], channelLabels: {}, channels: {}, channelAccounts: {}, channelDefaultAccountId: {} };
    }
    return (await this.#load()).status(opts);
  }

  async logout(channel: string, accountId?: string) {
    return (await this.#load()).logout(channel, accountId);
  }

  async pairingList(channel?: string): Promise<PairingRequestEntry[]> {
    const m = await this.#load();
    const ids = channel ? [channel.trim().toLowerCase()] : CHANNEL_IDS;
    for (const id of ids) if (!CHANNEL_IDS.includes(id)) throw invalidRequest(Messages.unknownChannel(id));
    return (await Promise.all(ids.map((id) => m.pairing.list(id)))).flat();
  }

  async pairingApprove(channel: string, code: string): Promise<PairingRequestEntry> {
    return (await this.#load()).approvePairing(channel, code);
  }

  failing(): string[] {
    return this.#manager?.failing() ?? [];
  }

  /** The HTTP stage for webhook-mode accounts (matches nothing while none runs). */
  httpStage(): HttpStage {
    return webhookStage(() => this.#manager?.webhookRoutes() ?? []);
  }
}
