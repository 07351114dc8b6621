// Which tools `POST /tools/invoke` may run (spec 4.9): the built-in tools the agent's policy allows,
// minus the HTTP deny list (defaults + `gateway.tools.deny`, minus `gateway.tools.allow`). Every
// refusal says why and how to change it (oc#93400, oc#96481: a bare "Tool not available" left
// people guessing which of the three lists was in the way).
import { isToolAllowed } from "../../agents/tools/index.js";

/** DEFAULT_GATEWAY_HTTP_TOOL_DENY: tools too dangerous to run from a bearer-authenticated HTTP call. */
export const DEFAULT_HTTP_TOOL_DENY: readonly string[] = [
  "exec",
  "spawn",
  "shell",
  "fs_write",
  "fs_delete",
  "fs_move",
  "apply_patch",
  "sessions_spawn",
  "sessions_send",
  "cron",
  "gateway",
  "nodes",
  "whatsapp_login",
];

/** `gateway.tools`: `deny` adds names to the HTTP deny list, `allow` takes names off the default list. */
export interface HttpToolLists {
  allow?: readonly string[];
  deny?: readonly string[];
}

export type HttpToolDecision =
  | { ok: true; name: string }
  | { ok: false; reason: "unknown" | "denied-default" | "denied-config" | "denied-agent"; message: string };

export interface HttpToolPolicyInput {
  /** Every tool the gateway knows, before any policy. */
  known: readonly string[];
  gateway?: HttpToolLists;
  /** The agent's `tools.allow` / `tools.deny`. */
  agent?: { allow?: string[]; deny?: string[] };
}

/** Whether HTTP may reach `name` at all, ignoring the agent's own policy. */
function httpDenial(name: string, lists: HttpToolLists): HttpToolDecision | null {
  if (lists.deny?.length && !isToolAllowed(name, { deny: [...lists.deny] })) {
    return { ok: false, reason: "denied-config", message: `Tool "${name}" is denied by gateway.tools.deny` };
  }
  const allowed = lists.allow?.length ? isToolAllowed(name, { allow: [...lists.allow] }) : false;
  if (DEFAULT_HTTP_TOOL_DENY.includes(name) && !allowed) {
    return {
      ok: false,
      reason: "denied-default",
      message: `Tool "${name}" is denied for HTTP by default; allow it with gateway.tools.allow: ["${name}"]`,
    };
  }
  return null;
}

/** The tools an HTTP caller can run right now, in the gateway's order. */
export function httpAvailableTools(input: HttpToolPolicyInput): string[] {
  return input.known.filter((n) => !httpDenial(n, input.gateway ?? {}) && isToolAllowed(n, input.agent ?? {}));
}

/**
 * Decides one request. An unknown name is reported as unknown even when it is on the default
 * deny list: telling someone to allow-list a tool this gateway does not have would mislead them.
 */
export function decideHttpTool(requested: string, input: HttpToolPolicyInput): HttpToolDecision {
  const lower = requested.trim().toLowerCase();
  const name = input.known.find((k) => k.toLowerCase() === lower);
  if (!name) {
    const available = httpAvailableTools(input);
    return {
      ok: false,
      reason: "unknown",
      message: `Unknown tool "${requested}". Available: ${available.length ? available.join(", ") : "none"}`,
    };
  }
  const denial = httpDenial(name, input.gateway ?? {});
  if (denial) return denial;
  if (!isToolAllowed(name, input.agent ?? {})) {
    return { ok: false, reason: "denied-agent", message: `Tool "${name}" is denied by the agent's tools policy (tools.allow / tools.deny)` };
  }
  return { ok: true, name };
}
