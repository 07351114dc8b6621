// Where a hook's agent run goes: which agent and which session, under `hooks.allowRequestSessionKey`,
// `hooks.allowedAgentIds` and `hooks.allowedSessionKeyPrefixes` (spec 4.10). Pure, so the rules
// are tested without a gateway.
import { isValidAgentId, isValidSessionKey, parseSessionKey } from "../../../agents/sessions/keys.js";
import { HookRequestError, type AgentAction } from "./actions.js";

export interface RoutePolicy {
  allowRequestSessionKey: boolean;
  /** Omitted or containing `*`: every agent; `[]`: none. */
  allowedAgentIds?: readonly string[];
  /** Omitted: every key; `[]`: none. */
  allowedSessionKeyPrefixes?: readonly string[];
  defaultSessionKey?: string;
}

export interface RouteEnv {
  defaultAgentId: string;
  agentExists(agentId: string): boolean;
}

export interface HookRoute {
  agentId: string;
  sessionKey: string;
}

/** `"GitHub Push!"` -> `"github-push"`: a session-key-safe form of a hook name. */
export function nameSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 64) || "hook"
  );
}

export function isAgentAllowed(agentId: string, allowed: readonly string[] | undefined): boolean {
  if (allowed === undefined) return true;
  return allowed.some((a) => a.trim() === "*" || a.trim().toLowerCase() === agentId.toLowerCase());
}

/**
 * A key passes when it, or its part after `agent:<id>:`, starts with an allowed prefix; so
 * `["hook:"]` admits both `hook:github` and `agent:main:hook:github`.
 */
export function isSessionKeyAllowed(key: string, prefixes: readonly string[] | undefined): boolean {
  if (prefixes === undefined) return true;
  const rest = key.startsWith("agent:") ? key.split(":").slice(2).join(":") : key;
  return prefixes.some((p) => p.length > 0 && (key.startsWith(p) || rest.startsWith(p)));
}

/**
 * Picks the agent and session for an agent action. `sessionKeyFromRequest` marks a key the HTTP
 * caller sent (honoured only with `allowRequestSessionKey`); keys from mappings and transforms are
 * configuration and always honoured. A key without `agent:<id>:` is placed under the action's agent.
 */
export function routeAgentAction(action: AgentAction, policy: RoutePolicy, env: RouteEnv, opts: { sessionKeyFromRequest: boolean }): HookRoute {
  if (action.sessionKey !== undefined && opts.sessionKeyFromRequest && !policy.allowRequestSessionKey) {
    throw new HookRequestError("sessionKey is not accepted from hook requests; set hooks.allowRequestSessionKey: true to allow it");
  }
  let agentId = action.agentId?.toLowerCase();
  if (agentId !== undefined && !isValidAgentId(agentId)) throw new HookRequestError(`invalid agentId "${action.agentId}"`);
  const explicitKey = action.sessionKey ?? policy.defaultSessionKey;
  const keySource = action.sessionKey !== undefined ? "sessionKey" : "hooks.defaultSessionKey";
  let sessionKey: string | undefined;
  if (explicitKey !== undefined) {
    if (!isValidSessionKey(explicitKey)) throw new HookRequestError(`invalid ${keySource} "${explicitKey}"`);
    const parsed = parseSessionKey(explicitKey, agentId ?? env.defaultAgentId);
    if (!parsed) throw new HookRequestError(`invalid ${keySource} "${explicitKey}"`);
    if (explicitKey.startsWith("agent:")) {
      const keyAgent = parsed.agentId.toLowerCase();
      if (agentId !== undefined && agentId !== keyAgent) {
        throw new HookRequestError(`agentId "${agentId}" does not match the agent of ${keySource} "${explicitKey}"`);
      }
      agentId = keyAgent;
      sessionKey = explicitKey;
    }
  }
  agentId ??= env.defaultAgentId;
  if (!env.agentExists(agentId)) throw new HookRequestError(`unknown agent id "${agentId}"`);
  if (!isAgentAllowed(agentId, policy.allowedAgentIds)) throw new HookRequestError(`agentId "${agentId}" is not allowed by hooks.allowedAgentIds`);
  sessionKey ??= `agent:${agentId}:${explicitKey ?? `hook:${nameSlug(action.name)}`}`;
  if (!isSessionKeyAllowed(sessionKey, policy.allowedSessionKeyPrefixes)) {
    throw new HookRequestError(`sessionKey "${sessionKey}" is not allowed by hooks.allowedSessionKeyPrefixes`);
  }
  return { agentId, sessionKey };
}
