// Session keys (`agent:<agentId>:<rest>`) and the ids that become file and directory names.

export const DEFAULT_AGENT_ID = "main";
export const DEFAULT_MAIN_KEY = "main";

const MAX_SESSION_KEY_LENGTH = 512;
// C0 controls, DEL and C1 controls.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
// Becomes `<sessionId>.jsonl`: no separators, no leading dot.
const SESSION_ID = /^[a-z0-9][a-z0-9._-]{0,199}$/i;

/** `agent:<agentId>:<mainKey>`, the key of an agent's main session. */
export function mainSessionKey(agentId: string, mainKey: string = DEFAULT_MAIN_KEY): string {
  return `agent:${agentId}:${mainKey}`;
}

/** 1..512 characters, no control characters. */
export function isValidSessionKey(key: unknown): key is string {
  return typeof key === "string" && key.length > 0 && key.length <= MAX_SESSION_KEY_LENGTH && !CONTROL_CHARS.test(key);
}

/** Agent ids name directories under `<stateDir>/agents/`, so they are kept path-safe. */
export function isValidAgentId(agentId: unknown): agentId is string {
  return typeof agentId === "string" && AGENT_ID.test(agentId);
}

/** Session ids name transcript files, so they are kept path-safe (uuids and pi ids pass). */
export function isValidSessionId(sessionId: unknown): sessionId is string {
  return typeof sessionId === "string" && SESSION_ID.test(sessionId);
}

/**
 * Splits `agent:<agentId>:<rest>`. A valid key without the `agent:` prefix (a legacy or
 * channel-made key such as `main` or `telegram:123`) belongs to the default agent:
 * `defaultAgentId` (the configured default, `"main"` when not given), with the whole key as
 * `rest`. Returns null for invalid keys and for `agent:` keys with an empty or unsafe agent id
 * or an empty rest.
 */
export function parseSessionKey(
  key: string,
  defaultAgentId: string = DEFAULT_AGENT_ID,
): { agentId: string; rest: string } | null {
  if (!isValidSessionKey(key)) return null;
  if (!key.startsWith("agent:")) return { agentId: defaultAgentId, rest: key };
  const sep = key.indexOf(":", "agent:".length);
  if (sep < 0) return null;
  const agentId = key.slice("agent:".length, sep);
  const rest = key.slice(sep + 1);
  if (!isValidAgentId(agentId) || rest.length === 0) return null;
  return { agentId, rest };
}
