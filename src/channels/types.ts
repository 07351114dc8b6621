// The channel plugin contract: what the ChannelManager needs from a chat app (Telegram today),
// and the shapes that cross that seam (inbound messages, outbound sends, status snapshots).
import type { OpenClawConfig } from "../config/schema.js";
import type { SecretValues } from "../secrets/values.js";

export type DmPolicy = "pairing" | "allowlist" | "open" | "disabled";
export type GroupPolicy = "allowlist" | "open" | "disabled";
export type PeerKind = "direct" | "group";

/** One account's settings after channel-level defaults were merged under it. */
export interface AccountSettings {
  accountId: string;
  enabled: boolean;
  /** Dotted config path of the botToken field this account uses (its SecretRef value lives there). */
  tokenPath?: string;
  /** Dotted config path of the webhookSecret this account uses (own, or inherited from the section). */
  webhookSecretPath?: string;
  name?: string;
  dmPolicy: DmPolicy;
  allowFrom: string[];
  groupPolicy: GroupPolicy;
  groupAllowFrom: string[];
  /** Per group id (or `*`): enabled, requireMention, allowFrom. */
  groups: Record<string, { enabled?: boolean; requireMention?: boolean; allowFrom?: string[] }>;
  requireMention: boolean;
  textChunkLimit: number;
  healthMonitor: boolean;
  /** The channel's own fields (token, webhook, ...), raw from config. */
  raw: Record<string, unknown>;
}

/** A message that arrived on a channel, normalised. */
export interface InboundMessage {
  channel: string;
  accountId: string;
  /** Where the reply goes (chat id). */
  chatId: string;
  chatType: PeerKind;
  /** The sender's stable id. */
  senderId: string;
  senderName?: string;
  senderUsername?: string;
  messageId: string;
  text: string;
  /** True when the bot was @mentioned or the message replies to one of the bot's messages. */
  mentioned: boolean;
  threadId?: string;
  receivedAt: number;
}

export interface SendRequest {
  to: string;
  text: string;
  replyTo?: string;
  threadId?: string;
}

export interface SendResult {
  /** The id of the last message sent (the reference returns one id). */
  messageId: string;
  messageIds: string[];
  chunks: number;
}

/** The spec's ChannelAccountSnapshot fields (2.3); extra keys are allowed. */
export interface ChannelAccountSnapshot {
  accountId: string;
  name?: string;
  enabled?: boolean;
  configured?: boolean;
  linked?: boolean;
  running?: boolean;
  connected?: boolean;
  reconnectAttempts?: number;
  lastConnectedAt?: number | null;
  lastError?: string | null;
  healthState?: string;
  lastStartAt?: number | null;
  lastStopAt?: number | null;
  lastInboundAt?: number | null;
  lastOutboundAt?: number | null;
  busy?: boolean;
  activeRuns?: number;
  lastProbeAt?: number | null;
  mode?: string;
  dmPolicy?: string;
  allowFrom?: string[];
  tokenSource?: string;
  baseUrl?: string;
  probe?: unknown;
  [key: string]: unknown;
}

/** What a running account reports to its supervisor. */
export interface AccountEvents {
  /** The connection works (a poll answered, a webhook was registered). */
  connected(): void;
  /** Any sign of life from the remote side (stale detection). */
  activity(): void;
  inbound(msg: InboundMessage): void;
  /**
   * The connection failed. `fatal` stops reconnecting (bad credentials); otherwise the
   * supervisor restarts the account with backoff. `retryAfterMs` is a lower bound from the remote.
   */
  failed(error: string, opts?: { fatal?: boolean; retryAfterMs?: number }): void;
}

export interface ProbeResult {
  ok: boolean;
  error?: string;
  elapsedMs: number;
  bot?: { id: number | string; username?: string; name?: string };
}

/** Where the gateway's HTTP server routes an account's webhook posts. */
export interface WebhookRoute {
  path: string;
  /** Compared with the request's secret header when set. */
  secret?: string;
  secretHeader: string;
  deliver(update: unknown): void;
}

/** One connected account of a channel. */
export interface ChannelAccount {
  readonly accountId: string;
  /** False when silence is normal (webhook mode): the supervisor then skips the stale check. */
  readonly staleCheck?: boolean;
  webhookRoute?(): WebhookRoute | undefined;
  /** Connects and starts receiving; resolves once started (not necessarily connected). */
  start(events: AccountEvents): Promise<void>;
  stop(): Promise<void>;
  probe(timeoutMs: number): Promise<ProbeResult>;
  send(req: SendRequest, signal?: AbortSignal): Promise<SendResult>;
  /** Shows "typing…" in the chat (one pulse; the caller repeats it). */
  typing(chatId: string): Promise<void>;
  /** Channel-specific snapshot fields (mode, tokenSource, baseUrl, bot name...). */
  snapshot(): Partial<ChannelAccountSnapshot>;
  /** Forgets the session with the remote (webhook removal etc.); the account stays stopped. */
  logout?(): Promise<void>;
}

export interface ChannelAccountConfig {
  settings: AccountSettings;
  config: OpenClawConfig;
  env: NodeJS.ProcessEnv;
  /** Resolved SecretRef values by config path (the gateway's active secrets snapshot). */
  secrets?: SecretValues;
  stateDir: string;
  log: { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void };
}

/** A channel plugin: reads `channels.<id>` and makes accounts. */
export interface ChannelPlugin {
  readonly id: string;
  readonly label: string;
  /** The longest text one message may carry. */
  readonly textLimit: number;
  /** Account ids configured under `channels.<id>` (the section itself is account `default`). */
  listAccounts(section: Record<string, unknown>): string[];
  /** The merged settings of one account. */
  resolveAccount(section: Record<string, unknown>, accountId: string): AccountSettings;
  /** Whether the account has what it needs to connect (a token); the reason when not. */
  configured(settings: AccountSettings, env: NodeJS.ProcessEnv, secrets?: SecretValues): { ok: boolean; reason?: string; tokenSource?: string };
  createAccount(cfg: ChannelAccountConfig): ChannelAccount;
}
