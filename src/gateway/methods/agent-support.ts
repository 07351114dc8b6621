// Shared helpers of the agent and chat methods: session key -> agent, attachments -> images,
// and the reference's `agent` final payload.
import { ErrorCodes, GatewayError, Messages } from "../../errors.js";
import type { RunHandle } from "../../agents/engine/engine.js";
import type { RunResult } from "../../agents/engine/run-events.js";
import type { ContentBlock } from "../../agents/types.js";
import { CHANNEL_IDS } from "../../channels/service.js";
import type { GatewayServices } from "../services.js";

const SESSION_KEY_RE = /^agent:([a-z0-9][a-z0-9_-]{0,63}):(.+)$/i;

export function invalidParams(method: string, detail: string): GatewayError {
  return new GatewayError(ErrorCodes.INVALID_REQUEST, `invalid ${method} params: ${detail}`);
}

/**
 * A session key as a client names it -> the key the session is stored under, and its agent
 * (spec 5.3). The main key, bare (`main`, `<session.mainKey>`) or as `agent:<id>:main`, is
 * `agent:<id>:<session.mainKey>`; other bare keys belong to the default agent (`telegram:1` ->
 * `agent:<default>:telegram:1`); agent ids are lowercased, so `agent:Main:x` is `agent:main:x`.
 * `global` and `unknown` (and malformed `agent:` keys) are left as they are.
 */
export function resolveSessionKey(gw: GatewayServices, key: string): { agentId: string; sessionKey: string } {
  const { defaultAgentId, mainKey } = gw.sessionDefaults();
  const m = SESSION_KEY_RE.exec(key);
  if (!m && (key === "global" || key === "unknown" || key.startsWith("agent:"))) return { agentId: defaultAgentId, sessionKey: key };
  const agentId = m ? m[1]!.toLowerCase() : defaultAgentId;
  const rest = m ? m[2]! : key;
  return { agentId, sessionKey: `agent:${agentId}:${rest === "main" ? mainKey : rest}` };
}

/**
 * `agent`'s channel and replyChannel (spec 2.3): a channel this gateway has, `webchat` (its own
 * chat) or `last`; otherwise the reference's "unknown channel: <c>" with the name normalised.
 */
export function checkAgentChannels(...hints: (string | undefined)[]): void {
  for (const hint of hints) {
    const c = hint?.trim().toLowerCase();
    if (c && c !== "last" && c !== "webchat" && !CHANNEL_IDS.includes(c)) throw invalidParams("agent", Messages.unknownChannel(c));
  }
}

export function isMalformedSessionKey(key: string): boolean {
  // eslint-disable-next-line no-control-regex
  return key.length === 0 || key.length > 512 || /[\u0000-\u001f]/.test(key) || (key.startsWith("agent:") && !SESSION_KEY_RE.test(key));
}

/**
 * The live run a retry of `dedupeKey` (`agent:<k>`, `chat:<k>`) joins: the dedupe cache forgets
 * after 5 minutes or 1000 newer keys, runs last up to 600 s. The runId is the bare key, so a run
 * the other method started under it is another request's: refused rather than shared.
 */
export function liveRunFor(gw: GatewayServices, runId: string, dedupeKey: string): RunHandle | undefined {
  const run = gw.agents.engine.get(runId);
  if (run && run.dedupeKey !== dedupeKey) throw new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.runIdInUse(runId));
  return run;
}

export function attachmentsToImages(attachments: { mimeType?: string; content?: string }[] | undefined): ContentBlock[] {
  return (attachments ?? [])
    .filter((a) => a.mimeType?.startsWith("image/") && a.content)
    .map((a) => ({ type: "image" as const, mimeType: a.mimeType!, data: a.content!.replace(/^data:[^,]*,/, "") }));
}

export function agentFinalPayload(r: RunResult) {
  const meta: Record<string, unknown> = { durationMs: r.endedAt - r.startedAt };
  if (r.model) {
    meta.agentMeta = {
      sessionId: r.sessionId,
      provider: r.model.provider,
      model: r.model.model,
      ...(r.usage ? { usage: { ...r.usage, total: r.usage.input + r.usage.output } } : {}),
    };
  }
  if (r.stopReason) meta.stopReason = r.stopReason;
  if (r.status === "aborted") meta.aborted = true;
  if (r.error) meta.error = r.error;
  return { runId: r.runId, status: "ok", summary: "completed", result: { payloads: r.text ? [{ text: r.text }] : [], meta } };
}

/** The second `res` of a failed `agent` run: ok:false with both payload and error. */
export function agentFailure(r: RunResult): GatewayError {
  const message = r.error?.message ?? "LLM request failed.";
  return new GatewayError(ErrorCodes.UNAVAILABLE, message, { payload: { runId: r.runId, status: "error", summary: `Error: ${message}` } });
}

/**
 * `/new`, `/reset` and sessions.reset: stop the session's runs, start a new transcript once they
 * have ended (so the archived one holds their partial replies), tell subscribers.
 */
export async function resetSession(gw: GatewayServices, agentId: string, sessionKey: string) {
  const entry = await gw.agents.engine.afterSessionRuns(sessionKey, "stop", () => gw.agents.sessions.reset(agentId, sessionKey));
  gw.agents.sessionsChanged(sessionKey, "reset");
  return entry;
}
