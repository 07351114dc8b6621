// `agent` (two-stage: accepted, then the final result on the same request id) and `agent.wait`.
import { ErrorCodes, GatewayError } from "../../errors.js";
import { AgentParamsSchema, AgentWaitParamsSchema } from "../../protocol/methods-agents.js";
import { Scopes, hasScope } from "../../protocol/scopes.js";
import type { RunResult } from "../../agents/engine/run-events.js";
import { agentFailure, agentFinalPayload, attachmentsToImages, checkAgentChannels, invalidParams, isMalformedSessionKey, liveRunFor, resetSession, resolveSessionKey } from "./agent-support.js";
import { defineMethod, type MethodDef } from "./registry.js";

// An aborted run ended, it did not fail: the success payload, with meta.aborted (spec 3.1).
function final(result: RunResult) {
  if (result.status === "error") throw agentFailure(result);
  return agentFinalPayload(result);
}

export const agentMethods: MethodDef[] = [
  defineMethod({
    name: "agent",
    params: AgentParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const rt = gw.agents;
      const key = `agent:${p.idempotencyKey}`;
      const cached = rt.dedupe.get(key);
      if (cached) {
        if (cached.result) return final(cached.result);
        ctx.respond({ runId: cached.runId, status: "accepted", acceptedAt: cached.acceptedAt });
        return final(await cached.handle!.done);
      }
      const live = liveRunFor(gw, p.idempotencyKey, key);
      if (live) {
        ctx.respond({ runId: live.runId, status: "accepted", acceptedAt: live.startedAt });
        return final(await live.done);
      }
      checkAgentChannels(p.channel, p.replyChannel);
      let agentId = p.agentId?.toLowerCase();
      if (agentId && !rt.engine.agent(agentId)) throw invalidParams("agent", `unknown agent id "${p.agentId}"`);
      let requested: string | undefined;
      if (p.sessionKey !== undefined) {
        if (isMalformedSessionKey(p.sessionKey)) throw invalidParams("agent", `malformed session key "${p.sessionKey}"`);
        const { agentId: keyAgent, sessionKey } = resolveSessionKey(gw, p.sessionKey);
        if (agentId && keyAgent !== agentId) throw invalidParams("agent", `agent "${agentId}" does not match session key agent "${keyAgent}"`);
        agentId = keyAgent;
        requested = sessionKey;
      }
      agentId ??= gw.sessionDefaults().defaultAgentId;
      if (!rt.engine.agent(agentId)) throw invalidParams("agent", `unknown agent id "${agentId}"`);
      const sessionKey = requested ?? `agent:${agentId}:${gw.sessionDefaults().mainKey}`;
      let modelOverride: string | undefined;
      if (p.provider || p.model) {
        if (!hasScope(ctx.caller.scopes, Scopes.admin)) {
          throw new GatewayError(ErrorCodes.INVALID_REQUEST, "provider/model overrides are not authorized for this caller.");
        }
        modelOverride = p.model?.includes("/") ? p.model : `${p.provider ?? ""}/${p.model ?? ""}`;
      }
      const text = p.message.trim();
      if (text === "/new" || text === "/reset") {
        if (!hasScope(ctx.caller.scopes, Scopes.admin)) throw ctx.caller.profile.missingScopeError(Scopes.admin);
        const entry = await resetSession(gw, agentId, sessionKey);
        const now = Date.now();
        return { runId: p.idempotencyKey, status: "ok", summary: "session reset", result: { payloads: [{ text: "Started a new session." }], meta: { durationMs: 0, agentMeta: { sessionId: entry.sessionId } } }, acceptedAt: now };
      }
      const handle = rt.engine.start({
        runId: p.idempotencyKey,
        dedupeKey: key,
        agentId,
        sessionKey,
        message: p.message,
        images: attachmentsToImages(p.attachments),
        ...(p.extraSystemPrompt ? { extraSystemPrompt: p.extraSystemPrompt } : {}),
        ...(modelOverride ? { modelOverride } : {}),
        ...(p.timeout ? { timeoutMs: p.timeout * 1000 } : {}),
      });
      const acceptedAt = Date.now();
      const entry = { runId: handle.runId, handle, acceptedAt };
      rt.dedupe.set(key, entry);
      rt.toolEventRecipients.addCaller(ctx.caller, sessionKey);
      rt.sessionsChanged(sessionKey, "send", { runId: handle.runId });
      ctx.respond({ runId: handle.runId, status: "accepted", acceptedAt });
      const result = await handle.done;
      rt.dedupe.set(key, { runId: handle.runId, result, acceptedAt });
      return final(result);
    },
  }),
  defineMethod({
    name: "agent.wait",
    params: AgentWaitParamsSchema,
    async handler(ctx, p) {
      const engine = ctx.gateway.agents.engine;
      const timeoutMs = p.timeoutMs ?? 30_000;
      let result = engine.result(p.runId);
      const active = engine.get(p.runId);
      if (!result && active) {
        let timer: NodeJS.Timeout | undefined;
        result = await Promise.race([active.done, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)))]);
        clearTimeout(timer);
        if (!result) return { runId: p.runId, status: "timeout" };
      }
      if (!result) throw new GatewayError(ErrorCodes.AGENT_RESULT_NOT_FOUND, `no run with id ${p.runId} (finished runs are kept for 5 minutes)`);
      const status = result.status === "ok" ? "ok" : result.status === "aborted" ? "timeout" : "error";
      return { runId: p.runId, status, startedAt: result.startedAt, endedAt: result.endedAt, ...(result.error ? { error: result.error.message } : {}) };
    },
  }),
];
