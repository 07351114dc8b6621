// DM pairing for channels: an unknown sender gets a short code, and nothing it sends reaches an
// agent until an operator approves that code. Pending codes live in
// `<stateDir>/credentials/<channel>-pairing.json`, approved senders in
// `<stateDir>/credentials/<channel>-allowFrom.json`; both are atomic 0600 files.
import { randomInt } from "node:crypto";
import path from "node:path";
import { readJsonFile, SerialWriter } from "../gateway/devices/json-file.js";

export interface PairingRequestEntry {
  code: string;
  channel: string;
  accountId: string;
  senderId: string;
  senderName?: string;
  chatId: string;
  createdAtMs: number;
  expiresAtMs: number;
  lastNotifiedAtMs: number;
}

export interface ApprovedSender {
  accountId: string;
  senderId: string;
  approvedAtMs: number;
  code?: string;
}

type PendingFile = { version: 1; requests: PairingRequestEntry[] };
type AllowFile = { version: 1; senders: ApprovedSender[] };

/** Codes expire after an hour; an account holds at most this many open requests. */
export const PAIRING_CODE_TTL_MS = 60 * 60_000;
export const MAX_PENDING_PER_ACCOUNT = 3;
// No 0/O/1/I/L: codes are read aloud and typed.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 8;
const CHANNEL_ID = /^[a-z][a-z0-9_-]{0,31}$/;

export function newPairingCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export const normalizeCode = (code: string) => code.trim().toUpperCase().replace(/[\s-]/g, "");

export class ChannelPairingStore {
  readonly #dir: string;
  readonly #writers = new Map<string, SerialWriter>();
  // Operations on one channel's files run one at a time (read-modify-write).
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(stateDir: string, private readonly now: () => number = Date.now) {
    this.#dir = path.join(stateDir, "credentials");
  }

  #file(channel: string, kind: "pairing" | "allowFrom"): string {
    if (!CHANNEL_ID.test(channel)) throw new Error(`invalid channel id "${channel}"`);
    return path.join(this.#dir, `${channel}-${kind}.json`);
  }

  #write(file: string, value: unknown): Promise<void> {
    let w = this.#writers.get(file);
    if (!w) this.#writers.set(file, (w = new SerialWriter(file)));
    return w.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  #serial<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(channel) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(fn);
    this.#locks.set(channel, next);
    return next;
  }

  async #pending(channel: string): Promise<PairingRequestEntry[]> {
    const raw = (await readJsonFile(this.#file(channel, "pairing"))) as Partial<PendingFile> | undefined;
    const now = this.now();
    return Array.isArray(raw?.requests) ? raw.requests.filter((r) => r && typeof r.code === "string" && r.expiresAtMs > now) : [];
  }

  async #allowed(channel: string): Promise<ApprovedSender[]> {
    const raw = (await readJsonFile(this.#file(channel, "allowFrom"))) as Partial<AllowFile> | undefined;
    return Array.isArray(raw?.senders) ? raw.senders.filter((s) => s && typeof s.senderId === "string") : [];
  }

  async isApproved(channel: string, accountId: string, senderId: string): Promise<boolean> {
    return (await this.#allowed(channel)).some((s) => s.accountId === accountId && s.senderId === senderId);
  }

  async approvedSenders(channel: string): Promise<ApprovedSender[]> {
    return this.#allowed(channel);
  }

  /** Open (unexpired) requests of a channel, oldest first. */
  list(channel: string): Promise<PairingRequestEntry[]> {
    return this.#serial(channel, () => this.#pending(channel));
  }

  /**
   * The sender's open request, created if needed. `notify` says whether to (re)send the code:
   * on creation, and then at most once a minute. Null when the account already has the maximum
   * number of open requests (the sender is told nothing).
   */
  request(
    channel: string,
    input: { accountId: string; senderId: string; senderName?: string; chatId: string },
  ): Promise<{ entry: PairingRequestEntry; created: boolean; notify: boolean } | null> {
    return this.#serial(channel, async () => {
      const now = this.now();
      const pending = await this.#pending(channel);
      const existing = pending.find((r) => r.accountId === input.accountId && r.senderId === input.senderId);
      if (existing) {
        const notify = now - existing.lastNotifiedAtMs >= 60_000;
        if (notify) {
          existing.lastNotifiedAtMs = now;
          await this.#write(this.#file(channel, "pairing"), { version: 1, requests: pending });
        }
        return { entry: existing, created: false, notify };
      }
      if (pending.filter((r) => r.accountId === input.accountId).length >= MAX_PENDING_PER_ACCOUNT) return null;
      const taken = new Set(pending.map((r) => r.code));
      let code = newPairingCode();
      while (taken.has(code)) code = newPairingCode();
      const entry: PairingRequestEntry = {
        code,
        channel,
        accountId: input.accountId,
        senderId: input.senderId,
        ...(input.senderName ? { senderName: input.senderName } : {}),
        chatId: input.chatId,
        createdAtMs: now,
        expiresAtMs: now + PAIRING_CODE_TTL_MS,
        lastNotifiedAtMs: now,
      };
      await this.#write(this.#file(channel, "pairing"), { version: 1, requests: [...pending, entry] });
      return { entry, created: true, notify: true };
    });
  }

  /** Approves a code: the sender joins the channel's allow list. Null for an unknown or expired code. */
  approve(channel: string, rawCode: string): Promise<PairingRequestEntry | null> {
    return this.#serial(channel, async () => {
      const code = normalizeCode(rawCode);
      const pending = await this.#pending(channel);
      const entry = pending.find((r) => r.code === code);
      if (!entry) return null;
      const allowed = await this.#allowed(channel);
      if (!allowed.some((s) => s.accountId === entry.accountId && s.senderId === entry.senderId)) {
        allowed.push({ accountId: entry.accountId, senderId: entry.senderId, approvedAtMs: this.now(), code });
        await this.#write(this.#file(channel, "allowFrom"), { version: 1, senders: allowed });
      }
      await this.#write(this.#file(channel, "pairing"), { version: 1, requests: pending.filter((r) => r !== entry) });
      return entry;
    });
  }
}
