// One Telegram bot account over grammY's Bot API client: long polling (or a webhook on the
// gateway's port), inbound message normalisation with mention detection, threaded and chunked
// HTML replies with a plain-text fallback, and 429 retries that honour `retry_after`.
import { Api, GrammyError, HttpError } from "grammy";
import type { Message, Update, UserFromGetMe } from "grammy/types";
import { chunkText } from "../chunk.js";
import type {
  AccountEvents, ChannelAccount, ChannelAccountConfig, ChannelAccountSnapshot, InboundMessage, ProbeResult, SendRequest,
  SendResult, WebhookRoute,
} from "../types.js";
import { markdownToTelegramHtml } from "./format.js";
import { resolveTelegramToken } from "./plugin.js";
import { retryOn429 } from "./retry.js";

// grammY's Node build types its signals with the abort-controller polyfill; Node's own are compatible.
type GrammySignal = Parameters<Api["getMe"]>[0];
const sig = (s: AbortSignal | undefined) => s as unknown as GrammySignal;

const DEFAULT_API_ROOT = "https://api.telegram.org";
const PARSE_ERROR = /can't parse entities|can't find end of|unsupported start tag|entity/i;

/** A clear line for an error from the Bot API (or the network). */
export function describeTelegramError(err: unknown): { message: string; fatal: boolean; retryAfterMs?: number } {
  if (err instanceof GrammyError) {
    if (err.error_code === 401) {
      return { message: `Telegram rejected the bot token (401 Unauthorized): check channels.telegram botToken`, fatal: true };
    }
    if (err.error_code === 409) {
      return {
        message: `Telegram reports a conflict (409): another getUpdates consumer or a webhook is using this bot token (${err.description})`,
        fatal: false,
      };
    }
    if (err.error_code === 429) {
      const s = err.parameters?.retry_after ?? 5;
      return { message: `Telegram rate limit (429): retry after ${s} s`, fatal: false, retryAfterMs: s * 1000 };
    }
    return { message: `Telegram API error ${err.error_code} in ${err.method}: ${err.description}`, fatal: false };
  }
  if (err instanceof HttpError) return { message: `Telegram network error: ${(err.error as Error)?.message ?? err.message}`, fatal: false };
  return { message: (err as Error)?.message ?? String(err), fatal: false };
}

export class TelegramAccount implements ChannelAccount {
  readonly accountId: string;
  #api: Api | undefined;
  #bot: UserFromGetMe | undefined;
  #offset = 0;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #events: AccountEvents | undefined;
  #probe: ProbeResult | undefined;
  readonly #mode: "polling" | "webhook";
  readonly #apiRoot: string;

  constructor(private readonly cfg: ChannelAccountConfig) {
    this.accountId = cfg.settings.accountId;
    this.#mode = typeof cfg.settings.raw.webhookUrl === "string" && cfg.settings.raw.webhookUrl ? "webhook" : "polling";
    this.#apiRoot = typeof cfg.settings.raw.apiRoot === "string" && cfg.settings.raw.apiRoot ? cfg.settings.raw.apiRoot.replace(/\/+$/, "") : DEFAULT_API_ROOT;
  }

  get staleCheck(): boolean {
    return this.#mode === "polling";
  }

  #client(): Api {
    if (this.#api) return this.#api;
    const t = resolveTelegramToken(this.cfg.settings, this.cfg.env, this.cfg.secrets);
    if (!t.token) throw Object.assign(new Error(t.error ?? "no bot token"), { fatal: true });
    const api = new Api(t.token, { apiRoot: this.#apiRoot });
    api.config.use(retryOn429({ maxRetries: 3, maxWaitMs: 60_000, onWait: (ms, method) => this.cfg.log.warn(`${this.accountId}: ${method} rate limited; retrying in ${ms} ms`) }));
    return (this.#api = api);
  }

  async start(events: AccountEvents): Promise<void> {
    this.#events = events;
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    let api: Api;
    try {
      api = this.#client();
    } catch (err) {
      events.failed((err as Error).message, { fatal: true });
      return;
    }
    try {
      this.#bot = await api.getMe(sig(signal));
      if (this.#mode === "webhook") {
        const secret = this.#webhookSecret();
        await api.setWebhook(String(this.cfg.settings.raw.webhookUrl), { ...(secret ? { secret_token: secret } : {}), allowed_updates: ["message"] }, sig(signal));
      } else {
        await api.deleteWebhook({}, sig(signal));
      }
    } catch (err) {
      if (signal.aborted) return;
      const d = describeTelegramError(err);
      events.failed(d.message, d);
      return;
    }
    this.cfg.log.info(`${this.accountId}: connected as @${this.#bot.username} (${this.#mode})`);
    events.connected();
    if (this.#mode === "polling") this.#loop = this.#poll(api, signal, events);
  }

  async #poll(api: Api, signal: AbortSignal, events: AccountEvents): Promise<void> {
    const timeout = typeof this.cfg.settings.raw.pollTimeoutSeconds === "number" ? this.cfg.settings.raw.pollTimeoutSeconds : 30;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await api.getUpdates({ offset: this.#offset, timeout, allowed_updates: ["message"] }, sig(signal));
      } catch (err) {
        if (signal.aborted) return;
        const d = describeTelegramError(err);
        events.failed(d.message, d);
        return;
      }
      events.connected();
      events.activity();
      for (const u of updates) {
        this.#offset = Math.max(this.#offset, u.update_id + 1);
        this.#dispatch(u);
      }
    }
  }

  #dispatch(update: Update) {
    const msg = this.#normalise(update);
    if (msg) this.#events?.inbound(msg);
  }

  #normalise(update: Update): InboundMessage | undefined {
    const m: Message | undefined = update.message;
    if (!m || !m.from || m.from.is_bot) return undefined;
    const raw = m.text ?? m.caption;
    if (!raw) return undefined;
    const chatType = m.chat.type === "private" ? "direct" : m.chat.type === "group" || m.chat.type === "supergroup" ? "group" : undefined;
    if (!chatType) return undefined;
    const botName = this.#bot?.username?.toLowerCase();
    const mentionRe = botName ? new RegExp(`@${botName}\\b`, "i") : undefined;
    const replyToBot = m.reply_to_message?.from?.id !== undefined && m.reply_to_message.from.id === this.#bot?.id;
    const mentioned = replyToBot || (mentionRe ? mentionRe.test(raw) : false);
    const text = (mentionRe ? raw.replace(new RegExp(`@${botName}\\b`, "gi"), "") : raw).replace(/\s+/g, " ").trim();
    const name = [m.from.first_name, m.from.last_name].filter(Boolean).join(" ");
    return {
      channel: "telegram",
      accountId: this.accountId,
      chatId: String(m.chat.id),
      chatType,
      senderId: String(m.from.id),
      ...(name ? { senderName: name } : {}),
      ...(m.from.username ? { senderUsername: m.from.username } : {}),
      messageId: String(m.message_id),
      text: text || raw,
      mentioned,
      ...(m.message_thread_id !== undefined && m.is_topic_message ? { threadId: String(m.message_thread_id) } : {}),
      receivedAt: Date.now(),
    };
  }

  #webhookSecret(): string | undefined {
    const s = this.cfg.settings.raw.webhookSecret;
    if (typeof s === "string") return s;
    if (!s || typeof s !== "object") return undefined;
    // A SecretRef: its value is in the gateway's secrets snapshot; env refs also read directly.
    const path = this.cfg.settings.webhookSecretPath;
    const resolved = path ? this.cfg.secrets?.get(path) : undefined;
    if (resolved) return resolved;
    if ((s as { source?: string }).source === "env") return this.cfg.env[(s as { id: string }).id];
    return undefined;
  }

  webhookRoute(): WebhookRoute | undefined {
    if (this.#mode !== "webhook" || !this.#events) return undefined;
    const p = this.cfg.settings.raw.webhookPath;
    const secret = this.#webhookSecret();
    return {
      path: typeof p === "string" && p ? p : `/telegram-webhook/${this.accountId}`,
      ...(secret ? { secret } : {}),
      secretHeader: "x-telegram-bot-api-secret-token",
      deliver: (update) => {
        this.#events?.activity();
        if (update && typeof update === "object" && typeof (update as Update).update_id === "number") this.#dispatch(update as Update);
      },
    };
  }

  async stop(): Promise<void> {
    // A stopped webhook account stops routing posts (Telegram retries them after a 404).
    this.#events = undefined;
    this.#abort?.abort();
    this.#abort = undefined;
    const loop = this.#loop;
    this.#loop = undefined;
    await loop?.catch(() => {});
  }

  async logout(): Promise<void> {
    await this.stop();
    if (this.#mode === "webhook") await this.#client().deleteWebhook({}, sig(AbortSignal.timeout(10_000)));
  }

  async probe(timeoutMs: number): Promise<ProbeResult> {
    const t0 = performance.now();
    try {
      const me = await this.#client().getMe(sig(AbortSignal.timeout(timeoutMs)));
      this.#bot = me;
      this.#probe = { ok: true, elapsedMs: Math.round(performance.now() - t0), bot: { id: me.id, username: me.username, name: me.first_name } };
    } catch (err) {
      this.#probe = { ok: false, error: describeTelegramError(err).message, elapsedMs: Math.round(performance.now() - t0) };
    }
    return this.#probe;
  }

  async send(req: SendRequest, signal?: AbortSignal): Promise<SendResult> {
    const api = this.#client();
    const chunks = chunkText(req.text, this.cfg.settings.textChunkLimit);
    if (chunks.length === 0) throw new Error("nothing to send: the text is empty");
    const ids: string[] = [];
    for (const [i, chunk] of chunks.entries()) {
      const other = {
        ...(i === 0 && req.replyTo ? { reply_parameters: { message_id: Number(req.replyTo), allow_sending_without_reply: true } } : {}),
        ...(req.threadId ? { message_thread_id: Number(req.threadId) } : {}),
      };
      let sent: Message.TextMessage;
      try {
        sent = await api.sendMessage(req.to, markdownToTelegramHtml(chunk), { ...other, parse_mode: "HTML" }, sig(signal));
      } catch (err) {
        // Telegram refused our markup: the words matter more than the formatting.
        if (!(err instanceof GrammyError && err.error_code === 400 && PARSE_ERROR.test(err.description))) throw err;
        this.cfg.log.warn(`${this.accountId}: HTML rejected (${err.description}); sending plain text`);
        sent = await api.sendMessage(req.to, chunk, other, sig(signal));
      }
      ids.push(String(sent.message_id));
    }
    return { messageId: ids.at(-1)!, messageIds: ids, chunks: ids.length };
  }

  async typing(chatId: string): Promise<void> {
    await this.#client().sendChatAction(chatId, "typing");
  }

  snapshot(): Partial<ChannelAccountSnapshot> {
    const t = resolveTelegramToken(this.cfg.settings, this.cfg.env, this.cfg.secrets);
    return {
      mode: this.#mode,
      tokenSource: t.source,
      baseUrl: this.#apiRoot,
      ...(this.#bot ? { bot: { id: this.#bot.id, username: this.#bot.username, name: this.#bot.first_name } } : {}),
      ...(this.#probe ? { probe: this.#probe } : {}),
    };
  }
}
