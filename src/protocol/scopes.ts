// Operator scopes and the method -> required scope policy (spec 2.1): default deny, admin passes all.

export const Scopes = {
  admin: "operator.admin",
  read: "operator.read",
  write: "operator.write",
  approvals: "operator.approvals",
  pairing: "operator.pairing",
  talkSecrets: "operator.talk.secrets",
  talk: "operator.talk",
} as const;
export type Scope = (typeof Scopes)[keyof typeof Scopes];

/** What the CLI asks for by default (CLI_DEFAULT_OPERATOR_SCOPES). */
export const CLI_DEFAULT_OPERATOR_SCOPES: string[] = [
  Scopes.admin,
  Scopes.read,
  Scopes.write,
  Scopes.approvals,
  Scopes.pairing,
  Scopes.talkSecrets,
];

/** How a method is authorized: `any` after connect, a scope, or node role only. */
export type MethodAccess = { kind: "any" } | { kind: "node" } | { kind: "scope"; scope: string };

const ADMIN_PREFIXES = ["config.", "exec.approvals.", "wizard.", "update."];
const NODE_ONLY = new Set([
  "node.invoke.result",
  "node.event",
  "node.pending.drain",
  "node.canvas.capability.refresh",
  "node.pending.pull",
  "node.pending.ack",
  "skills.bins",
]);

// Explicit classification of the reference's methods; checked before the admin prefixes,
// so `config.get` stays a read method. Anything not listed needs operator.admin.
const R = Scopes.read;
const W = Scopes.write;
const Ap = Scopes.approvals;
const P = Scopes.pairing;
const EXPLICIT: Record<string, string> = {
  status: R, "gateway.identity.get": R, "system-presence": R, "last-heartbeat": R, "logs.tail": R,
  "doctor.memory.status": R, "doctor.memory.dreamDiary": R, "channels.status": R,
  "usage.status": R, "usage.cost": R, "sessions.usage": R, "sessions.usage.timeseries": R, "sessions.usage.logs": R,
  "tts.status": R, "tts.providers": R, "tts.enable": W, "tts.disable": W, "tts.convert": W, "tts.setProvider": W,
  "talk.config": R, "talk.speak": W, "talk.mode": W, "voicewake.get": R, "voicewake.set": W,
  "config.get": R, "config.schema.lookup": R,
  "exec.approval.get": Ap, "exec.approval.list": Ap, "exec.approval.request": Ap, "exec.approval.waitDecision": Ap,
  "exec.approval.resolve": Ap, "plugin.approval.list": Ap, "plugin.approval.request": Ap,
  "plugin.approval.waitDecision": Ap, "plugin.approval.resolve": Ap,
  "commands.list": R, "models.list": R, "tools.catalog": R, "tools.effective": R,
  "agents.list": R, "agents.files.list": R, "agents.files.get": R, "agent.identity.get": R,
  "skills.status": R, "skills.search": R, "skills.detail": R,
  "sessions.list": R, "sessions.get": R, "sessions.preview": R, "sessions.resolve": R,
  "sessions.subscribe": R, "sessions.unsubscribe": R, "sessions.messages.subscribe": R,
  "sessions.messages.unsubscribe": R, "sessions.compaction.list": R, "sessions.compaction.get": R,
  "sessions.compaction.branch": W, "sessions.create": W, "sessions.send": W, "sessions.steer": W, "sessions.abort": W,
  wake: W, "cron.list": R, "cron.status": R, "cron.runs": R,
  "cron.add": Scopes.admin, "cron.update": Scopes.admin, "cron.remove": Scopes.admin, "cron.run": Scopes.admin,
  "set-heartbeats": Scopes.admin,
  "node.pair.request": P, "node.pair.list": P, "node.pair.approve": P, "node.pair.reject": P, "node.pair.verify": P,
  "node.rename": P, "device.pair.list": P, "device.pair.approve": P, "device.pair.reject": P, "device.pair.remove": P,
  "device.token.rotate": P, "device.token.revoke": P,
  "channels.pairing.list": P, "channels.pairing.approve": P,
  "node.list": R, "node.describe": R, "node.invoke": W, "node.pending.enqueue": W,
  send: W, poll: W, "message.action": W,
  agent: W, "agent.wait": W, "chat.history": R, "chat.send": W, "chat.abort": W,
  "web.login.start": Scopes.admin, "push.test": W,
};

export function methodAccess(method: string): MethodAccess {
  if (method === "health") return { kind: "any" };
  if (NODE_ONLY.has(method)) return { kind: "node" };
  const explicit = EXPLICIT[method];
  if (explicit) return { kind: "scope", scope: explicit };
  if (ADMIN_PREFIXES.some((p) => method.startsWith(p))) return { kind: "scope", scope: Scopes.admin };
  return { kind: "scope", scope: Scopes.admin };
}

/** True when `granted` satisfies `required` (admin passes all; write satisfies read). */
export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(Scopes.admin)) return true;
  if (granted.includes(required)) return true;
  if (required === Scopes.read && granted.includes(Scopes.write)) return true;
  return false;
}

export function isKnownScope(scope: string): boolean {
  return (Object.values(Scopes) as string[]).includes(scope);
}
