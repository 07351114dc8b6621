// A fake Telegram Bot API on 127.0.0.1 for channel tests: getMe, getUpdates with long-poll
// semantics and offsets, sendMessage, sendChatAction, setWebhook/deleteWebhook, and scripted
// failures (401, 409, 429 with parameters.retry_after, 400 entity-parse errors). It can drop every
// open connection or go away and come back on the same port.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
  is_bot?: boolean;
}

export interface SentMessage {
  message_id: number;
  chat_id: string;
  text: string;
  parse_mode?: string;
  reply_to?: number;
  at: number;
}

export interface ScriptedFailure {
  code: number;
  description?: string;
  retryAfter?: number;
}

export interface FakeTelegram {
  url: string;
  port: number;
  token: string;
  bot: FakeUser;
  sent: SentMessage[];
  actions: { chat_id: string; action: string }[];
  /** Every call: method name and time. */
  calls: { method: string; at: number; body: any }[];
  webhookUrl: string | null;
  /** Queues an incoming message; returns its message id. */
  pushMessage(m: { chat: { id: number; type: "private" | "group" | "supergroup"; title?: string }; from: FakeUser; text: string; replyToBot?: boolean }): number;
  /** The next calls of `method` fail like this, in order. */
  failNext(method: string, ...failures: ScriptedFailure[]): void;
  /** Every call fails with 401 (a revoked token) until reset. */
  setTokenValid(valid: boolean): void;
  waitForSent(pred: (m: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  waitForCall(method: string, count?: number, timeoutMs?: number): Promise<void>;
  /** Destroys every open connection (pending long polls included). */
  dropConnections(): void;
  /** Closes the server, stays down for `downMs`, then listens on the same port again. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

const BOT: FakeUser = { id: 777000, is_bot: true, first_name: "Fake Claw Bot", username: "fake_claw_bot" };

export async function startFakeTelegram(opts: { token?: string } = {}): Promise<FakeTelegram> {
  const token = opts.token ?? "123456:TEST-TOKEN";
  const updates: any[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 100;
  let tokenValid = true;
  const failures = new Map<string, ScriptedFailure[]>();
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const notify = () => [...waiters].forEach((w) => w());

  const fake: FakeTelegram = {
    url: "",
    port: 0,
    token,
    bot: BOT,
    sent: [],
    actions: [],
    calls: [],
    webhookUrl: null,
    pushMessage(m) {
      const message_id = nextMessageId++;
      const message: any = { message_id, date: Math.floor(Date.now() / 1000), chat: m.chat, from: m.from, text: m.text };
      if (m.replyToBot) message.reply_to_message = { message_id: 1, date: 0, chat: m.chat, from: BOT, text: "earlier" };
      updates.push({ update_id: nextUpdateId++, message });
      notify();
      return message_id;
    },
    failNext(method, ...f) {
      failures.set(method, [...(failures.get(method) ?? []), ...f]);
    },
    setTokenValid(valid) {
      tokenValid = valid;
    },
    waitForSent(pred, timeoutMs = 10_000) {
      return waitUntil(() => fake.sent.find(pred), timeoutMs, `a sent message matching ${pred}`);
    },
    async waitForCall(method, count = 1, timeoutMs = 10_000) {
      await waitUntil(() => (fake.calls.filter((c) => c.method === method).length >= count ? true : undefined), timeoutMs, `${count}× ${method}`);
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    async restart(downMs) {
      await closeServer();
      await new Promise((r) => setTimeout(r, downMs));
      await listen(fake.port);
    },
    close: () => closeServer(),
  };

  function waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const tryIt = () => {
        const v = check();
        if (v !== undefined) {
          waiters.delete(tryIt);
          clearTimeout(t);
          resolve(v);
        }
      };
      const t = setTimeout(() => {
        waiters.delete(tryIt);
        reject(new Error(`fake telegram: timed out waiting for ${what}; calls: ${fake.calls.map((c) => c.method).join(",")}`));
      }, timeoutMs);
      waiters.add(tryIt);
      tryIt();
    });
  }

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const ok = (res: http.ServerResponse, result: unknown) => reply(res, 200, { ok: true, result });
  const fail = (res: http.ServerResponse, f: ScriptedFailure) =>
    reply(res, f.code, {
      ok: false,
      error_code: f.code,
      description: f.description ?? (f.code === 401 ? "Unauthorized" : f.code === 409 ? "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" : f.code === 429 ? `Too Many Requests: retry after ${f.retryAfter ?? 1}` : "Bad Request"),
      ...(f.retryAfter !== undefined ? { parameters: { retry_after: f.retryAfter } } : {}),
    });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!m) return reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const [, reqToken, method] = m as unknown as [string, string, string];
    let body: any = {};
    const raw = Buffer.concat(chunks).toString("utf8");
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(res, 400, { ok: false, error_code: 400, description: "Bad Request: invalid JSON" });
      }
    }
    fake.calls.push({ method, at: Date.now(), body });
    notify();
    if (!tokenValid || reqToken !== token) return fail(res, { code: 401 });
    const scripted = failures.get(method)?.shift();
    if (scripted) return fail(res, scripted);
    switch (method) {
      case "getMe":
        return ok(res, BOT);
      case "deleteWebhook":
        fake.webhookUrl = null;
        return ok(res, true);
      case "setWebhook":
        fake.webhookUrl = String(body.url);
        return ok(res, true);
      case "sendChatAction":
        fake.actions.push({ chat_id: String(body.chat_id), action: String(body.action) });
        notify();
        return ok(res, true);
      case "sendMessage": {
        const message_id = nextMessageId++;
        const replyTo = body.reply_parameters?.message_id ?? body.reply_to_message_id;
        fake.sent.push({
          message_id,
          chat_id: String(body.chat_id),
          text: String(body.text),
          ...(body.parse_mode ? { parse_mode: body.parse_mode } : {}),
          ...(replyTo !== undefined ? { reply_to: Number(replyTo) } : {}),
          at: Date.now(),
        });
        notify();
        return ok(res, { message_id, date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: "private" }, from: BOT, text: body.text });
      }
      case "getUpdates": {
        const offset = Number(body.offset ?? 0);
        // Confirmed updates are forgotten, as Telegram does.
        while (updates.length && updates[0].update_id < offset) updates.shift();
        const limit = Number(body.limit ?? 100);
        const timeoutMs = Number(body.timeout ?? 0) * 1000;
        const pick = () => (updates.length ? updates.slice(0, limit) : undefined);
        const ready = pick();
        if (ready || timeoutMs === 0) return ok(res, ready ?? []);
        const done = (v: any[]) => {
          waiters.delete(check);
          clearTimeout(timer);
          ok(res, v);
        };
        const check = () => {
          const r = pick();
          if (r) done(r);
        };
        const timer = setTimeout(() => done([]), timeoutMs);
        waiters.add(check);
        res.on("close", () => {
          waiters.delete(check);
          clearTimeout(timer);
        });
        return;
      }
      default:
        return reply(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  }

  let server: http.Server;
  function listen(port: number): Promise<void> {
    server = http.createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        fake.port = (server.address() as AddressInfo).port;
        fake.url = `http://127.0.0.1:${fake.port}`;
        resolve();
      });
    });
  }
  function closeServer(): Promise<void> {
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  }
  await listen(0);
  return fake;
}
