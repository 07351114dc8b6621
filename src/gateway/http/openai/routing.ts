// Which agent, model and session an OpenAI-compatible request runs as (spec 4.4): `model` names
// an agent (`openclaw`, `openclaw/<id>`, `openclaw:<id>`, `agent:<id>`), headers may override, and
// requests are self-contained unless a session key (or `user`, when enabled) selects a stored one.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { listAgentIds } from "../../../agents/agent-config.js";
import type { GatewayServices } from "../../services.js";

export const OPENCLAW_MODEL_ID = "openclaw";
export const OPENCLAW_DEFAULT_MODEL_ID = "openclaw/default";
const AGENT_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export class RoutingError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
    readonly code: string,
    readonly param: string | null,
  ) {
    super(message);
    this.name = "RoutingError";
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s?.trim() || undefined;
}

/** The agent id a model string names, or null when it names none (malformed). */
export function agentIdFromModel(model: string, defaultAgentId: string): string | null {
  const m = model.trim();
  if (m === OPENCLAW_MODEL_ID || m === OPENCLAW_DEFAULT_MODEL_ID) return defaultAgentId;
  const match = /^(?:openclaw\/|openclaw:|agent:)(.+)$/i.exec(m);
  if (!match || !AGENT_ID_RE.test(match[1]!)) return null;
  return match[1]!.toLowerCase();
}

/** The `/v1/models` ids, in the reference's order. */
export function modelIds(gw: GatewayServices): string[] {
  const def = gw.sessionDefaults().defaultAgentId;
  const ids = [OPENCLAW_MODEL_ID, OPENCLAW_DEFAULT_MODEL_ID, `openclaw/${def}`, ...listAgentIds(gw.config()).map((id) => `openclaw/${id}`)];
  return [...new Set(ids)];
}

export interface RouteInput {
  model: unknown;
  user?: unknown;
  /** `openai` for chat completions, `openresponses` for responses. */
  prefix: "openai" | "openresponses";
  /** gateway.http.endpoints.<endpoint>.sessionFromUser */
  sessionFromUser: boolean;
}

export interface Route {
  agentId: string;
  /** A `provider/model` override from `x-openclaw-model`. */
  modelOverride?: string;
  sessionKey: string;
  /** True when the session is stored (explicit key or `user` with sessionFromUser). */
  persistent: boolean;
  messageChannel: string;
}

export function resolveRoute(gw: GatewayServices, req: IncomingMessage, input: RouteInput): Route {
  const defaultAgentId = gw.sessionDefaults().defaultAgentId;
  const headerAgent = header(req, "x-openclaw-agent-id") ?? header(req, "x-openclaw-agent");
  let agentId: string | null;
  if (headerAgent) {
    agentId = AGENT_ID_RE.test(headerAgent) ? headerAgent.toLowerCase() : null;
    if (!agentId) throw new RoutingError(400, "Invalid `x-openclaw-agent-id`.", "invalid_agent", null);
  } else {
    if (typeof input.model !== "string" || !input.model.trim()) throw new RoutingError(400, "Missing `model`. Use `openclaw` or `openclaw/<agentId>`.", "missing_model", "model");
    agentId = agentIdFromModel(input.model, defaultAgentId);
    // model_not_found: what LobeChat's connectivity check (a stock model name) must see.
    if (!agentId) throw new RoutingError(400, "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.", "model_not_found", "model");
  }
  const agent = gw.agents.engine.agent(agentId);
  if (!agent) throw new RoutingError(404, `Model 'openclaw/${agentId}' not found.`, "model_not_found", "model");

  const route: Route = { agentId, sessionKey: "", persistent: false, messageChannel: header(req, "x-openclaw-message-channel") ?? "webchat" };
  const override = header(req, "x-openclaw-model");
  if (override) {
    const ref = override.includes("/") ? override : agent.models.find((m) => m.split("/").slice(1).join("/") === override);
    if (!ref || !/^[\w.-]+\/.+$/.test(ref)) throw new RoutingError(400, "Invalid `x-openclaw-model`.", "invalid_model", null);
    const allowed = new Set([...agent.models, ...Object.keys(gw.config().agents?.defaults?.models ?? {})]);
    if (!allowed.has(ref)) throw new RoutingError(400, `Model '${ref}' is not allowed for agent '${agentId}'.`, "model_not_allowed", null);
    route.modelOverride = ref;
  }
  const explicitKey = header(req, "x-openclaw-session-key");
  if (explicitKey) {
    route.sessionKey = explicitKey.startsWith("agent:") ? explicitKey : `agent:${agentId}:${explicitKey}`;
    route.persistent = true;
  } else if (input.sessionFromUser && typeof input.user === "string" && input.user.trim()) {
    route.sessionKey = `agent:${agentId}:${input.prefix}-user:${input.user.trim()}`;
    route.persistent = true;
  } else {
    route.sessionKey = `agent:${agentId}:${input.prefix}:${randomUUID()}`;
  }
  return route;
}
