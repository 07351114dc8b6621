// The ChannelManager: owned by the Gateway, it starts every configured channel account after the
// gateway listens (plugins load on first use, so a gateway without channels pays nothing), keeps
// one supervisor per account, routes inbound messages, sends outbound text (idempotent by key),
// answers channels.status and /readyz, and restarts only the channel whose config changed.
import type { SecretValues } from "../secrets/values.js";
import type { RunEngine } from "../agents/engine/engine.js";
import type { LastRoute } from "../automation/delivery.js";
import { DedupeCache } from "../agents/engine/dedupe.js";
import type { OpenClawConfig } from "../config/schema.js";
import { invalidRequest, Messages, unavailable } from "../errors.js";
import { handleInbound } from "./inbound.js";
import { ChannelPairingStore, type PairingRequestEntry } from "./pairing-store.js";
import { AccountSupervisor, DEFAULT_TIMING, type SupervisorTiming } from "./supervisor.js";
import type { AccountSettings, ChannelAccountSnapshot, ChannelPlugin, WebhookRoute } from "./types.js";

type Log = { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void };

/** Plugins this build ships, loaded on first use. */
const PLUGINS: Record<string, () => Promise<ChannelPlugin>> = {
  telegram: async () => (await import("./telegram/plugin.js")).telegramPlugin,
};
const LABELS: Record<string, string> = { telegram: "Telegram" };
const NOT_CHANNELS = new Set(["defaults", "modelByChannel"]);

export interface ChannelSendRequest {
  channel: string;
  accountId?: string;
  to: string;
  text: string;
  replyTo?: string;
  threadId?: string;
  idempotencyKey?: string;
}

export interface ChannelSendResult {
  channel: string;
  accountId: string;
  messageId: string;
  chunks: number;
}

export interface ChannelStatusResult {
  ts: number;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  channels: Record<string, unknown>;
  channelAccounts: Record<string, ChannelAccountSnapshot[]>;
  channelDefaultAccountId: Record<string, string>;
}

export interface ChannelManagerDeps {
  config(): OpenClawConfig;
  env: NodeJS.ProcessEnv;
  /** Resolved SecretRef values (channel tokens given as references). */
  secrets?: SecretValues;
  stateDir: string;
  engine: RunEngine;
  log(): Log;
  /** Test hook: faster backoff and stale checks. */
  timing?: Partial<SupervisorTiming>;
  recordRoute?(agentId: string, sessionKey: string, route: LastRoute): void;
}

interface AccountEntry {
  channel: string;
  plugin: ChannelPlugin;
  settings: AccountSettings;
  /** Absent when the account is disabled or not configured (no token). */
  supervisor?: AccountSupervisor;
  problem?: string;
  tokenSource?: string;
  activeRuns: number;
}

export class ChannelManager {
  readonly pairing: ChannelPairingStore;
  readonly #accounts = new Map<string, AccountEntry>();
  readonly #sections = new Map<string, string>();
  readonly #sends = new DedupeCache<Promise<ChannelSendResult>>();
  #running = false;

  constructor(private readonly deps: ChannelManagerDeps) {
    this.pairing = new ChannelPairingStore(deps.stateDir);
  }

  #timing(config: OpenClawConfig): SupervisorTiming {
    const g = config.gateway ?? {};
    return {
      ...DEFAULT_TIMING,
      ...(g.channelHealthCheckMinutes ? { checkIntervalMs: g.channelHealthCheckMinutes * 60_000 } : {}),
      ...(g.channelStaleEventThresholdMinutes ? { staleAfterMs: g.channelStaleEventThresholdMinutes * 60_000 } : {}),
      ...(g.channelMaxRestartsPerHour !== undefined ? { maxRestartsPerHour: g.channelMaxRestartsPerHour } : {}),
      ...this.deps.timing,
    };
  }

  /** Channel ids present in config (with or without a plugin). */
  configuredChannels(config = this.deps.config()): string[] {
    return Object.keys(config.channels ?? {}).filter((k) => !NOT_CHANNELS.has(k));
  }

  async start(): Promise<void> {
    this.#running = true;
    if (this.deps.env.OPENCLAW_SKIP_CHANNELS === "1") return;
    const config = this.deps.config();
    for (const id of this.configuredChannels(config)) await this.#startChannel(id, config);
  }

  async #startChannel(id: string, config: OpenClawConfig): Promise<void> {
    const section = (config.channels as Record<string, Record<string, unknown> | undefined> | undefined)?.[id];
    this.#sections.set(id, JSON.stringify(section ?? null));
    const load = PLUGINS[id];
    if (!section || !load) return;
    const plugin = await load();
    const timing = this.#timing(config);
    for (const accountId of plugin.listAccounts(section)) {
      const settings = plugin.resolveAccount(section, accountId);
      const entry: AccountEntry = { channel: id, plugin, settings, activeRuns: 0 };
      this.#accounts.set(`${id}:${accountId}`, entry);
      if (!settings.enabled) continue;
      const ok = plugin.configured(settings, this.deps.env, this.deps.secrets);
      if (ok.tokenSource) entry.tokenSource = ok.tokenSource;
      if (!ok.ok) {
        entry.problem = ok.reason ?? "not configured";
        this.deps.log().warn(`${id}/${accountId}: not started: ${entry.problem}`);
        continue;
      }
      const log = this.deps.log();
      const account = plugin.createAccount({
        settings, config, env: this.deps.env, ...(this.deps.secrets ? { secrets: this.deps.secrets } : {}), stateDir: this.deps.stateDir, log: prefixed(log, id),
      });
      entry.supervisor = new AccountSupervisor(
        account,
        { ...timing, staleCheck: timing.staleCheck && settings.healthMonitor },
        (msg) => this.#onInbound(entry, msg),
        prefixed(log, id),
      );
      // Connecting never delays the gateway: the supervisor reports progress in the snapshot.
      void entry.supervisor.start();
    }
  }

  async #stopChannel(id: string): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const [key, e] of this.#accounts) {
      if (e.channel !== id) continue;
      if (e.supervisor) stops.push(e.supervisor.stop().catch(() => {}));
      this.#accounts.delete(key);
    }
    await Promise.all(stops);
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all([...new Set([...this.#accounts.values()].map((e) => e.channel))].map((id) => this.#stopChannel(id)));
    this.#sections.clear();
  }

  /** Per-channel hot reload: restarts exactly the channels whose section changed. */
  async reconfigure(next: OpenClawConfig): Promise<string[]> {
    if (!this.#running) return [];
    const ids = new Set([...this.configuredChannels(next), ...this.#sections.keys()]);
    const changed: string[] = [];
    for (const id of ids) {
      const section = (next.channels as Record<string, unknown> | undefined)?.[id];
      if (JSON.stringify(section ?? null) === this.#sections.get(id)) continue;
      changed.push(id);
      await this.#stopChannel(id);
      this.#sections.delete(id);
      if (section !== undefined && this.deps.env.OPENCLAW_SKIP_CHANNELS !== "1") await this.#startChannel(id, next);
    }
    const timing = this.#timing(next);
    for (const e of this.#accounts.values()) e.supervisor?.setTiming({ ...timing, staleCheck: timing.staleCheck && e.settings.healthMonitor });
    return changed;
  }

  #onInbound(entry: AccountEntry, msg: Parameters<typeof handleInbound>[0]) {
    const sup = entry.supervisor!;
    const log = this.deps.log();
    void handleInbound(msg, entry.settings, sup.account, {
      config: this.deps.config,
      engine: this.deps.engine,
      pairing: this.pairing,
      log: prefixed(log, entry.channel),
      send: async (text, replyTo) => {
        await sup.account.send({ to: msg.chatId, text, ...(replyTo ? { replyTo } : {}), ...(msg.threadId ? { threadId: msg.threadId } : {}) });
        sup.lastOutboundAt = Date.now();
      },
      ...(this.deps.recordRoute ? { recordRoute: this.deps.recordRoute } : {}),
      onRunStart: () => entry.activeRuns++,
      onRunEnd: () => entry.activeRuns--,
    }).catch((err) => log.error(`${entry.channel}/${entry.settings.accountId}: inbound message ${msg.messageId} failed: ${(err as Error).message}`));
  }

  #entry(channel: string, accountId?: string): AccountEntry {
    const id = channel.trim().toLowerCase();
    if (!PLUGINS[id]) throw invalidRequest(Messages.unknownChannel(channel));
    const candidates = [...this.#accounts.values()].filter((e) => e.channel === id);
    const entry = accountId
      ? candidates.find((e) => e.settings.accountId === accountId)
      : (candidates.find((e) => e.settings.accountId === this.#defaultAccountId(id)) ?? candidates[0]);
    if (!entry) throw invalidRequest(Messages.channelAccountUnavailable(id, accountId ?? "default", "not configured"));
    return entry;
  }

  #defaultAccountId(channel: string): string {
    const section = (this.deps.config().channels as Record<string, { defaultAccount?: string } | undefined> | undefined)?.[channel];
    if (section?.defaultAccount) return section.defaultAccount;
    const ids = [...this.#accounts.values()].filter((e) => e.channel === channel).map((e) => e.settings.accountId);
    return ids.includes("default") ? "default" : (ids[0] ?? "default");
  }

  /** Outbound text to a chat. The same idempotency key within 5 minutes answers from the first send. */
  send(req: ChannelSendRequest): Promise<ChannelSendResult> {
    if (!req.text.trim()) return Promise.reject(invalidRequest(Messages.sendNeedsText));
    const key = req.idempotencyKey ? `send:${req.idempotencyKey}` : undefined;
    const cached = key ? this.#sends.get(key) : undefined;
    if (cached) return cached;
    const run = (async () => {
      const entry = this.#entry(req.channel, req.accountId);
      const sup = entry.supervisor;
      if (!sup) throw unavailable(Messages.channelAccountUnavailable(entry.channel, entry.settings.accountId, entry.problem ?? "disabled"));
      const r = await sup.account.send({
        to: req.to,
        text: req.text,
        ...(req.replyTo ? { replyTo: req.replyTo } : {}),
        ...(req.threadId ? { threadId: req.threadId } : {}),
      });
      sup.lastOutboundAt = Date.now();
      return { channel: entry.channel, accountId: entry.settings.accountId, messageId: r.messageId, chunks: r.chunks };
    })();
    if (key) {
      this.#sends.set(key, run);
      // A failed send may be retried with the same key.
      run.catch(() => {
        if (this.#sends.get(key) === run) this.#sends.delete(key);
      });
    }
    return run;
  }

  /** The spec's channels.status result; `probe` asks each running account's remote now. */
  async status(opts: { probe?: boolean; timeoutMs?: number } = {}): Promise<ChannelStatusResult> {
    const config = this.deps.config();
    const order = this.configuredChannels(config);
    const result: ChannelStatusResult = { ts: Date.now(), channelOrder: order, channelLabels: {}, channels: {}, channelAccounts: {}, channelDefaultAccountId: {} };
    for (const id of order) {
      result.channelLabels[id] = LABELS[id] ?? id;
      const entries = [...this.#accounts.values()].filter((e) => e.channel === id);
      if (opts.probe) {
        await Promise.all(entries.map((e) => e.supervisor?.account.probe(opts.timeoutMs ?? 10_000)));
      }
      const snaps = entries.map((e) => this.#snapshot(e, opts.probe === true));
      result.channelAccounts[id] = snaps;
      result.channelDefaultAccountId[id] = this.#defaultAccountId(id);
      result.channels[id] = PLUGINS[id]
        ? {
            configured: snaps.some((s) => s.configured),
            running: snaps.some((s) => s.running),
            connected: snaps.some((s) => s.connected),
            accounts: snaps.length,
          }
        : { configured: true, running: false, lastError: "no plugin for this channel in this build" };
    }
    return result;
  }

  #snapshot(e: AccountEntry, probed: boolean): ChannelAccountSnapshot {
    const base: ChannelAccountSnapshot = {
      accountId: e.settings.accountId,
      ...(e.settings.name ? { name: e.settings.name } : {}),
      enabled: e.settings.enabled,
      configured: e.problem === undefined,
      dmPolicy: e.settings.dmPolicy,
      allowFrom: e.settings.allowFrom,
      activeRuns: e.activeRuns,
      busy: e.activeRuns > 0,
      ...(e.tokenSource ? { tokenSource: e.tokenSource } : {}),
    };
    if (!e.supervisor) {
      return { ...base, running: false, connected: false, healthState: e.settings.enabled ? "unconfigured" : "disabled", lastError: e.problem ?? null };
    }
    const snap = { ...base, ...e.supervisor.snapshot() };
    if (probed) snap.lastProbeAt = Date.now();
    return snap;
  }

  /** Channels with an account that is failing (for /readyz `failing`). */
  failing(): string[] {
    const out = new Set<string>();
    for (const e of this.#accounts.values()) if (e.supervisor?.failing()) out.add(e.channel);
    return [...out];
  }

  /** Stops an account and forgets its remote session (webhook); it stays stopped until restart/reload. */
  async logout(channel: string, accountId?: string): Promise<{ channel: string; accountId: string; cleared: boolean }> {
    const entry = this.#entry(channel, accountId);
    if (!entry.supervisor) return { channel: entry.channel, accountId: entry.settings.accountId, cleared: false };
    await entry.supervisor.stop();
    await entry.supervisor.account.logout?.().catch(() => {});
    return { channel: entry.channel, accountId: entry.settings.accountId, cleared: true };
  }

  webhookRoutes(): WebhookRoute[] {
    const routes: WebhookRoute[] = [];
    for (const e of this.#accounts.values()) {
      const r = e.supervisor?.account.webhookRoute?.();
      if (r) routes.push(r);
    }
    return routes;
  }

  /** Approves a pairing code; the sender is told it may talk now. */
  async approvePairing(channel: string, code: string): Promise<PairingRequestEntry> {
    const id = channel.trim().toLowerCase();
    if (!PLUGINS[id]) throw invalidRequest(Messages.unknownChannel(channel));
    const entry = await this.pairing.approve(id, code);
    if (!entry) throw invalidRequest(Messages.unknownChannelPairingCode(id, code));
    const sup = this.#accounts.get(`${id}:${entry.accountId}`)?.supervisor;
    void sup?.account.send({ to: entry.chatId, text: "OpenClaw: access approved. Send your message again." }).catch(() => {});
    return entry;
  }
}

function prefixed(log: Log, channel: string): Log {
  return {
    debug: (m) => log.debug(`${channel}/${m}`),
    info: (m) => log.info(`${channel}/${m}`),
    warn: (m) => log.warn(`${channel}/${m}`),
    error: (m) => log.error(`${channel}/${m}`),
  };
}
