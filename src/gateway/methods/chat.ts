// chat.send / chat.history / chat.abort / chat.inject: the chat-shaped view of agent runs.
import { ErrorCodes, GatewayError } from "../../errors.js";
import { ChatAbortParamsSchema, ChatHistoryParamsSchema, ChatInjectParamsSchema, ChatSendParamsSchema } from "../../protocol/methods-agents.js";
import { Scopes, hasScope } from "../../protocol/scopes.js";
import type { TranscriptMessage } from "../../agents/sessions/store.js";
import { attachmentsToImages, invalidParams, isMalformedSessionKey, liveRunFor, resetSession, resolveSessionKey } from "./agent-support.js";
import { defineMethod, type MethodDef } from "./registry.js";

const HISTORY_MAX_BYTES = 6 * 1024 * 1024;
const STOP_COMMANDS = new Set(["/stop", "/abort", "stop"]);

/** Caps one message's text; oversized items become placeholders (spec: chat.history). */
function capMessage(m: TranscriptMessage, maxChars: number | undefined): TranscriptMessage {
  const content = (m as { content?: unknown }).content;
  if (!maxChars || !Array.isArray(content)) return m;
  const capped = content.map((b: { type?: string; text?: string }) =>
    b.type === "text" && typeof b.text === "string" && b.text.length > maxChars ? { ...b, text: `${b.text.slice(0, maxChars)}… [truncated]` } : b,
  );
  return { ...m, content: capped } as TranscriptMessage;
}

export const chatMethods: MethodDef[] = [
  defineMethod({
    name: "chat.send",
    params: ChatSendParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const rt = gw.agents;
      if (isMalformedSessionKey(p.sessionKey)) throw invalidParams("chat.send", `malformed session key "${p.sessionKey}"`);
      const { agentId, sessionKey } = resolveSessionKey(gw, p.sessionKey);
      if (!rt.engine.agent(agentId)) throw invalidParams("chat.send", `unknown agent id "${agentId}"`);
      const text = p.message.trim();
      if (STOP_COMMANDS.has(text.toLowerCase())) {
        const runIds = rt.engine.abortSession(sessionKey, "stop");
        return { ok: true, aborted: runIds.length > 0, runIds };
      }
      if (text === "/new" || text === "/reset") {
        if (!hasScope(ctx.caller.scopes, Scopes.admin)) throw ctx.caller.profile.missingScopeError(Scopes.admin);
        const entry = await resetSession(gw, agentId, sessionKey);
        return { ok: true, reset: true, sessionKey, sessionId: entry.sessionId };
      }
      const images = attachmentsToImages(p.attachments);
      if (!text && images.length === 0) throw new GatewayError(ErrorCodes.INVALID_REQUEST, "message or attachment required");
      const key = `chat:${p.idempotencyKey}`;
      const cached = rt.dedupe.get(key);
      if (cached) {
        if (!cached.result) return { runId: cached.runId, status: "in_flight" };
        // An aborted run ended; only a failed one answers with its error.
        if (cached.result.status !== "error") return { runId: cached.runId, status: "ok" };
        throw new GatewayError(ErrorCodes.UNAVAILABLE, cached.result.error?.message ?? "LLM request failed.");
      }
      if (liveRunFor(gw, p.idempotencyKey, key)) return { runId: p.idempotencyKey, status: "in_flight" };
      const handle = rt.engine.start({
        runId: p.idempotencyKey,
        dedupeKey: key,
        agentId,
        sessionKey,
        message: p.message,
        images,
        ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}),
      });
      const acceptedAt = Date.now();
      rt.dedupe.set(key, { runId: handle.runId, handle, acceptedAt });
      rt.toolEventRecipients.addCaller(ctx.caller, sessionKey);
      void handle.done.then((result) => rt.dedupe.set(key, { runId: handle.runId, result, acceptedAt }));
      rt.sessionsChanged(sessionKey, "send", { runId: handle.runId });
      return { runId: handle.runId, status: "started" };
    },
  }),
  defineMethod({
    name: "chat.history",
    params: ChatHistoryParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const { agentId, sessionKey } = resolveSessionKey(gw, p.sessionKey);
      const entry = await gw.agents.sessions.get(agentId, sessionKey);
      if (!entry) return { sessionKey: p.sessionKey, messages: [] };
      const entries = await gw.agents.sessions.readTranscript(agentId, sessionKey, { limit: p.limit ?? 200 });
      const messages: TranscriptMessage[] = [];
      let bytes = 0;
      for (let i = entries.length - 1; i >= 0; i--) {
        const e = entries[i]!;
        if (e.type !== "message") continue;
        const m = capMessage(e.message, p.maxChars);
        bytes += Buffer.byteLength(JSON.stringify(m));
        if (bytes > HISTORY_MAX_BYTES) break;
        messages.unshift(m);
      }
      const result: Record<string, unknown> = { sessionKey: p.sessionKey, sessionId: entry.sessionId, messages };
      if (entry.thinkingLevel) result.thinkingLevel = entry.thinkingLevel;
      if (entry.verboseLevel) result.verboseLevel = entry.verboseLevel;
      return result;
    },
  }),
  defineMethod({
    name: "chat.abort",
    params: ChatAbortParamsSchema,
    handler(ctx, p) {
      const engine = ctx.gateway.agents.engine;
      const { sessionKey } = resolveSessionKey(ctx.gateway, p.sessionKey);
      if (p.runId) {
        const run = engine.get(p.runId);
        if (run && run.sessionKey !== sessionKey) throw new GatewayError(ErrorCodes.INVALID_REQUEST, "runId does not match sessionKey");
        const aborted = run?.abort("rpc") ?? false;
        return { ok: true, aborted, runIds: aborted ? [p.runId] : [] };
      }
      const runIds = engine.abortSession(sessionKey, "rpc");
      return { ok: true, aborted: runIds.length > 0, runIds };
    },
  }),
  defineMethod({
    name: "chat.inject",
    params: ChatInjectParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const { agentId, sessionKey } = resolveSessionKey(gw, p.sessionKey);
      await gw.agents.sessions.resolve(agentId, sessionKey);
      const msg = { role: "assistant", content: [{ type: "text", text: p.message }], timestamp: Date.now(), stopReason: "stop", ...(p.label ? { label: p.label } : {}) };
      const [entry] = await gw.agents.sessions.append(agentId, sessionKey, [msg as unknown as TranscriptMessage]);
      gw.agents.sessionsChanged(sessionKey, "inject");
      return { ok: true, messageId: (entry as { id?: string } | undefined)?.id };
    },
  }),
];
