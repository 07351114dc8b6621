// The Telegram channel plugin: reads `channels.telegram` (plus `accounts.<id>`), resolves each
// account's token, and creates accounts. grammY loads only when an account is created.
import { readFileSync } from "node:fs";
import type {
  AccountEvents, AccountSettings, ChannelAccount, ChannelAccountConfig, ChannelAccountSnapshot, ChannelPlugin, DmPolicy,
  GroupPolicy, ProbeResult, SendRequest, SendResult, WebhookRoute,
} from "../types.js";
import type { TelegramAccount } from "./account.js";
import type { SecretValues } from "../../secrets/values.js";

export const TELEGRAM_TEXT_LIMIT = 4096;
const ACCOUNT_FIELDS_NOT_INHERITED = new Set(["accounts", "defaultAccount", "botToken", "tokenFile", "webhookPath", "name"]);

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x).trim()).filter(Boolean) : []);

function groupsOf(v: unknown): AccountSettings["groups"] {
  const out: AccountSettings["groups"] = {};
  if (!v || typeof v !== "object") return out;
  for (const [id, g] of Object.entries(v as Record<string, Record<string, unknown>>)) {
    out[id] = {
      ...(typeof g.enabled === "boolean" ? { enabled: g.enabled } : {}),
      ...(typeof g.requireMention === "boolean" ? { requireMention: g.requireMention } : {}),
      ...(g.allowFrom ? { allowFrom: ids(g.allowFrom) } : {}),
    };
  }
  return out;
}

/**
 * The token of an account: config (a string, or a SecretRef resolved by the gateway's secrets
 * snapshot), tokenFile, or TELEGRAM_BOT_TOKEN for `default`.
 */
export function resolveTelegramToken(settings: AccountSettings, env: NodeJS.ProcessEnv, secrets?: SecretValues): { token?: string; source: string; error?: string } {
  const raw = settings.raw;
  const bt = raw.botToken as unknown;
  if (typeof bt === "string" && bt.trim()) return { token: bt.trim(), source: "config" };
  if (bt && typeof bt === "object") {
    const ref = bt as { source?: string; id?: string; provider?: string };
    const resolved = settings.tokenPath ? secrets?.get(settings.tokenPath) : undefined;
    if (resolved) return { token: resolved.trim(), source: `secret:${String(ref.source)}` };
    // Without a snapshot (offline CLI summaries) an env reference can still be read directly.
    if (ref.source === "env" && typeof ref.id === "string") {
      const v = env[ref.id];
      return v ? { token: v.trim(), source: "env" } : { source: "env", error: `botToken references env ${ref.id}, which is not set` };
    }
    return {
      source: String(ref.source),
      error: `botToken is a ${String(ref.source)} secret reference with no resolved value; run \`openclaw secrets reload\` or check \`openclaw secrets audit\``,
    };
  }
  if (typeof raw.tokenFile === "string" && raw.tokenFile) {
    try {
      const t = readFileSync(raw.tokenFile, "utf8").trim();
      return t ? { token: t, source: "file" } : { source: "file", error: `tokenFile ${raw.tokenFile} is empty` };
    } catch (err) {
      return { source: "file", error: `tokenFile ${raw.tokenFile}: ${(err as Error).message}` };
    }
  }
  if (settings.accountId === "default" && env.TELEGRAM_BOT_TOKEN) return { token: env.TELEGRAM_BOT_TOKEN.trim(), source: "env" };
  return { source: "none", error: "no bot token (set channels.telegram.botToken, tokenFile or TELEGRAM_BOT_TOKEN)" };
}

export const telegramPlugin: ChannelPlugin = {
  id: "telegram",
  label: "Telegram",
  textLimit: TELEGRAM_TEXT_LIMIT,

  listAccounts(section) {
    const accounts = section.accounts && typeof section.accounts === "object" ? Object.keys(section.accounts) : [];
    // The section itself is the `default` account when it carries a token, or when no accounts are listed.
    const hasOwn = section.botToken !== undefined || section.tokenFile !== undefined || accounts.length === 0;
    return [...(hasOwn && !accounts.includes("default") ? ["default"] : []), ...accounts];
  },

  resolveAccount(section, accountId) {
    const base = Object.fromEntries(Object.entries(section).filter(([k]) => !ACCOUNT_FIELDS_NOT_INHERITED.has(k)));
    const own = ((section.accounts as Record<string, Record<string, unknown>> | undefined)?.[accountId] ??
      (accountId === "default" ? section : {})) as Record<string, unknown>;
    const raw: Record<string, unknown> = { ...base, ...own };
    const limit = typeof raw.textChunkLimit === "number" ? Math.min(raw.textChunkLimit, TELEGRAM_TEXT_LIMIT) : TELEGRAM_TEXT_LIMIT;
    const ownAccount = (section.accounts as Record<string, Record<string, unknown>> | undefined)?.[accountId];
    const tokenPath =
      ownAccount?.botToken !== undefined ? `channels.telegram.accounts.${accountId}.botToken`
      : accountId === "default" && section.botToken !== undefined ? "channels.telegram.botToken"
      : undefined;
    const webhookSecretPath =
      ownAccount?.webhookSecret !== undefined ? `channels.telegram.accounts.${accountId}.webhookSecret`
      : section.webhookSecret !== undefined ? "channels.telegram.webhookSecret"
      : undefined;
    return {
      accountId,
      ...(tokenPath ? { tokenPath } : {}),
      ...(webhookSecretPath ? { webhookSecretPath } : {}),
      enabled: section.enabled !== false && raw.enabled !== false,
      ...(typeof raw.name === "string" ? { name: raw.name } : {}),
      dmPolicy: (raw.dmPolicy as DmPolicy | undefined) ?? "pairing",
      allowFrom: ids(raw.allowFrom),
      groupPolicy: (raw.groupPolicy as GroupPolicy | undefined) ?? "allowlist",
      groupAllowFrom: ids(raw.groupAllowFrom ?? raw.allowFrom),
      groups: groupsOf(raw.groups),
      requireMention: raw.requireMention !== false,
      textChunkLimit: limit,
      healthMonitor: (raw.healthMonitor as { enabled?: boolean } | undefined)?.enabled !== false,
      raw,
    };
  },

  configured(settings, env, secrets) {
    const t = resolveTelegramToken(settings, env, secrets);
    return t.token ? { ok: true, tokenSource: t.source } : { ok: false, reason: t.error ?? "no bot token", tokenSource: t.source };
  },

  createAccount(cfg: ChannelAccountConfig) {
    return new LazyTelegramAccount(cfg);
  },
};

// Defers `import("./account.js")` (and grammY) to the first call that needs it.

class LazyTelegramAccount implements ChannelAccount {
  #impl: Promise<TelegramAccount> | undefined;
  #loaded: TelegramAccount | undefined;
  readonly accountId: string;

  constructor(private readonly cfg: ChannelAccountConfig) {
    this.accountId = cfg.settings.accountId;
  }

  #get(): Promise<TelegramAccount> {
    return (this.#impl ??= import("./account.js").then((m) => (this.#loaded = new m.TelegramAccount(this.cfg))));
  }

  get staleCheck(): boolean {
    return this.#loaded?.staleCheck ?? true;
  }

  webhookRoute(): WebhookRoute | undefined {
    return this.#loaded?.webhookRoute();
  }

  async start(events: AccountEvents) {
    return (await this.#get()).start(events);
  }
  async stop() {
    if (this.#impl) await (await this.#impl).stop();
  }
  async probe(timeoutMs: number): Promise<ProbeResult> {
    return (await this.#get()).probe(timeoutMs);
  }
  async send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    return (await this.#get()).send(req, signal);
  }
  async typing(chatId: string) {
    return (await this.#get()).typing(chatId);
  }
  async logout() {
    return (await this.#get()).logout();
  }
  snapshot(): Partial<ChannelAccountSnapshot> {
    if (this.#loaded) return this.#loaded.snapshot();
    const t = resolveTelegramToken(this.cfg.settings, this.cfg.env, this.cfg.secrets);
    return { mode: this.cfg.settings.raw.webhookUrl ? "webhook" : "polling", tokenSource: t.source };
  }
}
