// sessions.list / preview / patch / reset / delete / compact / subscribe / unsubscribe.
import path from "node:path";
import { ErrorCodes, GatewayError } from "../../errors.js";
import {
  SessionKeyParamsSchema,
  SessionsDeleteParamsSchema,
  SessionsListParamsSchema,
  SessionsPatchParamsSchema,
  SessionsPreviewParamsSchema,
  SessionsSubscribeParamsSchema,
} from "../../protocol/methods-agents.js";
import { listAgentIds } from "../../agents/agent-config.js";
import { resolveModelRef } from "../../agents/providers/resolve.js";
import type { TranscriptEntry } from "../../agents/sessions/store.js";
import { messageText } from "../../agents/sessions/convert.js";
import type { GatewayServices } from "../services.js";
import { sessionKind, sessionRowView } from "../session-events.js";
import { resetSession, resolveSessionKey } from "./agent-support.js";
import { defineMethod, type MethodDef } from "./registry.js";

function textOf(entry: TranscriptEntry): string {
  return entry.type === "message" ? messageText(entry.message).trim() : "";
}

async function requireSession(gw: GatewayServices, key: string) {
  const { agentId, sessionKey } = resolveSessionKey(gw, key);
  const entry = await gw.agents.sessions.get(agentId, sessionKey);
  if (!entry) throw new GatewayError(ErrorCodes.INVALID_REQUEST, `session not found: ${key}`);
  return { agentId, sessionKey, entry };
}

function defaultModel(gw: GatewayServices) {
  const agent = gw.agents.engine.agent(gw.sessionDefaults().defaultAgentId);
  const ref = agent?.models[0];
  if (!ref) return { modelProvider: null, model: null, contextTokens: null };
  try {
    const m = resolveModelRef(ref, gw.config(), gw.env, gw.secrets);
    return { modelProvider: m.provider, model: m.model, contextTokens: m.contextWindow };
  } catch {
    return { modelProvider: ref.split("/")[0] ?? null, model: ref.split("/").slice(1).join("/") || null, contextTokens: null };
  }
}

export const sessionsMethods: MethodDef[] = [
  defineMethod({
    name: "sessions.list",
    params: SessionsListParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const agentIds = p.agentId ? [p.agentId] : listAgentIds(gw.config());
      const now = Date.now();
      const rows = (await Promise.all(agentIds.map((id) => gw.agents.sessions.list(id)))).flat();
      let filtered = rows.filter((r) => {
        if (p.activeMinutes && now - (r.updatedAt ?? 0) > p.activeMinutes * 60_000) return false;
        if (p.label && r.label !== p.label) return false;
        if (p.search && !`${r.key} ${r.label ?? ""} ${r.displayName ?? ""}`.toLowerCase().includes(p.search.toLowerCase())) return false;
        const kind = sessionKind(r.key);
        if (kind === "global" && !p.includeGlobal) return false;
        if (kind === "unknown" && !p.includeUnknown) return false;
        return true;
      });
      filtered.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
      if (p.limit) filtered = filtered.slice(0, p.limit);
      const sessions = await Promise.all(
        filtered.map(async (r) => {
          const row = sessionRowView(r, gw.agents.engine.activeForSession(r.key).length > 0);
          if (p.includeLastMessage || p.includeDerivedTitles) {
            const entries = await gw.agents.sessions.readTranscript(r.agentId, r.key, { limit: 20 });
            const msgs = entries.filter((e) => e.type === "message");
            const last = msgs.at(-1);
            if (p.includeLastMessage && last) row.lastMessagePreview = textOf(last).slice(0, 200);
            const firstUser = msgs.find((e) => e.type === "message" && (e.message as { role?: string }).role === "user");
            if (p.includeDerivedTitles && firstUser) row.derivedTitle = textOf(firstUser).slice(0, 60);
          }
          return row;
        }),
      );
      const defaultAgent = gw.sessionDefaults().defaultAgentId;
      return {
        ts: now,
        path: path.join(gw.stateDir, "agents", p.agentId ?? defaultAgent, "sessions", "sessions.json"),
        count: sessions.length,
        defaults: defaultModel(gw),
        sessions,
      };
    },
  }),
  defineMethod({
    name: "sessions.preview",
    params: SessionsPreviewParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const limit = p.limit ?? 5;
      const maxChars = p.maxChars ?? 240;
      const previews = await Promise.all(
        p.keys.map(async (key) => {
          const { agentId, sessionKey } = resolveSessionKey(gw, key);
          if (!(await gw.agents.sessions.get(agentId, sessionKey))) return { key, status: "missing", items: [] };
          const entries = await gw.agents.sessions.readTranscript(agentId, sessionKey, { limit });
          const items = entries
            .filter((e) => e.type === "message")
            .map((e) => ({ role: (e as { message: { role: string } }).message.role, text: textOf(e).slice(0, maxChars) }));
          return { key, status: "ok", items };
        }),
      );
      return { ts: Date.now(), previews };
    },
  }),
  defineMethod({
    name: "sessions.patch",
    params: SessionsPatchParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const { agentId, sessionKey } = await requireSession(gw, p.key);
      const { key: _key, ...fields } = p;
      const entry = await gw.agents.sessions.patch(agentId, sessionKey, fields as Record<string, unknown>);
      gw.agents.sessionsChanged(sessionKey, "patch");
      return { ok: true, key: sessionKey, entry };
    },
  }),
  defineMethod({
    name: "sessions.reset",
    params: SessionKeyParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const { agentId, sessionKey } = resolveSessionKey(gw, p.key);
      const entry = await resetSession(gw, agentId, sessionKey);
      return { ok: true, key: sessionKey, entry };
    },
  }),
  defineMethod({
    name: "sessions.delete",
    params: SessionsDeleteParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const { agentId, sessionKey } = await requireSession(gw, p.key);
      // Once the session's runs have ended: their last writes go to the transcript being let go.
      await gw.agents.engine.afterSessionRuns(sessionKey, "stop", () => gw.agents.sessions.delete(agentId, sessionKey, { deleteTranscript: p.deleteTranscript === true }));
      gw.agents.sessionsChanged(sessionKey, "delete");
      return { ok: true, key: sessionKey, deleted: true };
    },
  }),
  defineMethod({
    name: "sessions.compact",
    params: SessionKeyParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const { agentId, sessionKey } = await requireSession(gw, p.key);
      const agent = gw.agents.engine.agent(agentId);
      const ref = agent?.models[0];
      if (!ref) throw new GatewayError(ErrorCodes.UNAVAILABLE, `no model configured for agent "${agentId}"`);
      const model = resolveModelRef(ref, gw.config(), gw.env, gw.secrets);
      // Compaction calls a model: the provider adapters load here (or with the first run), not at startup.
      const { compactHistory } = await import("../../agents/engine/compaction.js");
      const result = await compactHistory({
        agentId,
        sessionKey,
        sessions: gw.agents.sessions,
        model,
        signal: ctx.signal,
        // On demand: everything before the latest user turn is summarised.
        keepLastTokens: 1,
        log: gw.logger.child("agents"),
      });
      if (result.compacted) gw.agents.sessionsChanged(sessionKey, "compact");
      return { ok: true, key: sessionKey, ...result };
    },
  }),
  defineMethod({
    name: "sessions.subscribe",
    params: SessionsSubscribeParamsSchema,
    handler(ctx) {
      ctx.gateway.agents.sessionSubscribers.add(ctx.caller.connId);
      return { ok: true, subscribed: true };
    },
  }),
  defineMethod({
    name: "sessions.unsubscribe",
    params: SessionsSubscribeParamsSchema,
    handler(ctx) {
      ctx.gateway.agents.sessionSubscribers.delete(ctx.caller.connId);
      return { ok: true, subscribed: false };
    },
  }),
];
