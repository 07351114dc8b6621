// Which agent answers an inbound message (`bindings[]`, most specific match wins) and which
// session it lands in (`session.scope`): per sender by default, so two people never share a
// transcript unless the operator asked for one global session.
import type { OpenClawConfig } from "../config/schema.js";
import type { InboundMessage } from "./types.js";

export interface Route {
  agentId: string;
  sessionKey: string;
  /** Which binding chose the agent: peer, account, channel, or the default agent. */
  matchedBy: "peer" | "account" | "channel" | "default";
}

const normPeerKind = (k: string) => (k === "dm" ? "direct" : k === "channel" ? "group" : k);

/** The default agent: the first `default:true` in agents.list, else the first, else `main`. */
export function defaultAgentId(config: OpenClawConfig): string {
  const list = config.agents?.list ?? [];
  return (list.find((a) => a.default === true) ?? list[0])?.id ?? "main";
}

/**
 * Picks the agent: a binding naming this peer beats one naming this account, which beats one
 * naming only the channel; among equals the first listed wins. `accountId: "*"` matches any
 * account but ranks as a channel-wide binding.
 */
export function resolveAgentForMessage(config: OpenClawConfig, msg: Pick<InboundMessage, "channel" | "accountId" | "chatType" | "chatId" | "senderId">): { agentId: string; matchedBy: Route["matchedBy"] } {
  let best: { agentId: string; rank: number } | undefined;
  for (const b of config.bindings ?? []) {
    const m = b.match;
    if (m.channel.toLowerCase() !== msg.channel) continue;
    const accountSpecific = m.accountId !== undefined && m.accountId !== "*";
    if (accountSpecific && m.accountId !== msg.accountId) continue;
    if (m.accountId === undefined && msg.accountId !== "default") continue;
    let rank = accountSpecific ? 2 : 1;
    if (m.peer) {
      const kind = normPeerKind(m.peer.kind);
      const peerId = kind === "direct" ? msg.senderId : msg.chatId;
      if (kind !== msg.chatType || String(m.peer.id) !== peerId) continue;
      rank = 3;
    }
    if (!best || rank > best.rank) best = { agentId: b.agentId, rank };
  }
  if (!best) return { agentId: defaultAgentId(config), matchedBy: "default" };
  return { agentId: best.agentId, matchedBy: best.rank === 3 ? "peer" : best.rank === 2 ? "account" : "channel" };
}

/**
 * `agent:<agentId>:<channel>[:<accountId>]:direct:<senderId>` for DMs and
 * `...:group:<chatId>` for groups; with `session.scope: "global"` everything shares the agent's
 * main session. The account appears only when it is not `default`.
 */
export function sessionKeyFor(config: OpenClawConfig, agentId: string, msg: Pick<InboundMessage, "channel" | "accountId" | "chatType" | "chatId" | "senderId">): string {
  const scope = config.session?.scope ?? "per-sender";
  if (scope === "global") return `agent:${agentId}:${config.session?.mainKey ?? "main"}`;
  const account = msg.accountId === "default" ? "" : `:${msg.accountId}`;
  const peer = msg.chatType === "direct" ? `direct:${msg.senderId}` : `group:${msg.chatId}`;
  return `agent:${agentId}:${msg.channel}${account}:${peer}`.toLowerCase();
}

export function routeMessage(config: OpenClawConfig, msg: InboundMessage): Route {
  const { agentId, matchedBy } = resolveAgentForMessage(config, msg);
  return { agentId, matchedBy, sessionKey: sessionKeyFor(config, agentId, msg) };
}
