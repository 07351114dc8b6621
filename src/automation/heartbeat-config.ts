// Heartbeat settings per agent: `agents.defaults.heartbeat` with `agents.list[].heartbeat` on top
// (spec 5.3). `every` is a duration ("30m", "1h") or a number of minutes; "0m" turns it off.
import { listAgentIds } from "../agents/agent-config.js";
import type { OpenClawConfig } from "../config/schema.js";
import { formatDurationMs, parseDurationMs } from "./duration.js";

export const DEFAULT_HEARTBEAT_EVERY = "30m";
export const DEFAULT_ACK_MAX_CHARS = 300;
export const HEARTBEAT_OK = "HEARTBEAT_OK";
export const HEARTBEAT_FILE = "HEARTBEAT.md";
export const DEFAULT_HEARTBEAT_PROMPT =
  `This is a scheduled heartbeat. If ${HEARTBEAT_FILE} is shown in your instructions, follow it. ` +
  `Handle the system events above, if any. Only raise what needs the user's attention now; do not repeat old tasks from earlier chats. ` +
  `If nothing needs attention, reply with exactly ${HEARTBEAT_OK}.`;

export interface HeartbeatConfigInput {
  every?: string | number;
  prompt?: string;
  target?: string;
  to?: string;
  accountId?: string;
  ackMaxChars?: number;
  model?: string;
}

export interface HeartbeatSettings {
  agentId: string;
  enabled: boolean;
  every: string;
  everyMs: number;
  prompt: string;
  /** "none" keeps alerts in the session; otherwise a channel id, with `to`. */
  target: string;
  to?: string;
  accountId?: string;
  ackMaxChars: number;
  model?: string;
}

export function resolveHeartbeat(config: OpenClawConfig, agentId: string): HeartbeatSettings {
  const defaults = (config.agents?.defaults?.heartbeat ?? {}) as HeartbeatConfigInput;
  const entry = config.agents?.list?.find((a) => a.id === agentId) as { heartbeat?: HeartbeatConfigInput } | undefined;
  const hb = { ...defaults, ...(entry?.heartbeat ?? {}) };
  // The config schema has checked `every` already; an unparsable value here means "off".
  const everyMs = parseDurationMs(hb.every ?? DEFAULT_HEARTBEAT_EVERY) ?? 0;
  const settings: HeartbeatSettings = {
    agentId,
    enabled: everyMs > 0,
    every: formatDurationMs(everyMs),
    everyMs,
    prompt: hb.prompt?.trim() || DEFAULT_HEARTBEAT_PROMPT,
    target: hb.target?.trim() || "none",
    ackMaxChars: hb.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS,
  };
  if (hb.to) settings.to = hb.to;
  if (hb.accountId) settings.accountId = hb.accountId;
  if (hb.model) settings.model = hb.model;
  return settings;
}

export function resolveAllHeartbeats(config: OpenClawConfig): HeartbeatSettings[] {
  return listAgentIds(config).map((id) => resolveHeartbeat(config, id));
}

/**
 * Whether a reply is only an acknowledgement: HEARTBEAT_OK at its start or end (markup around
 * the token allowed) with at most `ackMaxChars` of other text, or the NO_REPLY token. Such replies
 * are never delivered.
 */
export function classifyReply(text: string, ackMaxChars: number): { kind: "empty" | "ack" | "alert"; rest: string } {
  const trimmed = text.trim();
  if (!trimmed) return { kind: "empty", rest: "" };
  if (trimmed === "NO_REPLY") return { kind: "ack", rest: "" };
  const token = /^[\s*_`~>]*HEARTBEAT_OK[\s*_`~.!]*|[\s*_`~]*HEARTBEAT_OK[\s*_`~.!]*$/g;
  if (!/^[\s*_`~>]*HEARTBEAT_OK|HEARTBEAT_OK[\s*_`~.!]*$/.test(trimmed)) return { kind: "alert", rest: trimmed };
  const rest = trimmed.replace(token, "").trim();
  return rest.length <= ackMaxChars ? { kind: "ack", rest } : { kind: "alert", rest };
}

/** True when HEARTBEAT.md has nothing to act on (only headings, blank lines, comments or empty list items). */
export function isEffectivelyEmpty(text: string): boolean {
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, "");
  return withoutComments.split("\n").every((line) => {
    const l = line.trim();
    return l === "" || /^#+(\s|$)/.test(l) || /^[-*+]\s*(\[\s?\])?\s*$/.test(l);
  });
}
