// Event names and their scope guards (spec 1.8; v4: unknown families fail closed).
import { Scopes } from "./scopes.js";

export const GatewayEvents = {
  connectChallenge: "connect.challenge",
  presence: "presence",
  tick: "tick",
  health: "health",
  shutdown: "shutdown",
  agent: "agent",
  chat: "chat",
  sessionsChanged: "sessions.changed",
  devicePairRequested: "device.pair.requested",
  devicePairResolved: "device.pair.resolved",
  heartbeat: "heartbeat",
  cron: "cron",
} as const;

const GUARDS: Record<string, string | null> = {
  "connect.challenge": null,
  tick: null,
  presence: null,
  health: null,
  shutdown: null,
  heartbeat: null,
  "talk.mode": null,
  "update.available": null,
  agent: Scopes.read,
  chat: Scopes.read,
  "sessions.changed": Scopes.read,
  "session.message": Scopes.read,
  "session.tool": Scopes.read,
  cron: Scopes.read,
  "voicewake.changed": Scopes.read,
};

/** The scope an event needs, or null when any connected operator may receive it. */
export function eventGuard(event: string): string | null {
  if (event in GUARDS) return GUARDS[event] ?? null;
  if (event.startsWith("exec.approval.") || event.startsWith("plugin.approval.")) return Scopes.approvals;
  if (event.startsWith("device.pair.") || event.startsWith("node.pair.")) return Scopes.pairing;
  return Scopes.admin;
}
