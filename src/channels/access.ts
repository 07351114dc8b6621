// Who may reach an agent through a channel: `dmPolicy` for direct messages (pairing by
// default), `groupPolicy` plus mention gating for groups. Pure decisions; the pairing store
// answers "was this sender approved".
import type { AccountSettings, InboundMessage } from "./types.js";

export type AccessDecision =
  | { action: "deliver" }
  | { action: "pair" }
  | { action: "drop"; reason: string };

/** `*`, a numeric id, or `@username` (case-insensitive). */
export function matchesAllowList(list: readonly string[], msg: Pick<InboundMessage, "senderId" | "senderUsername">): boolean {
  const user = msg.senderUsername?.toLowerCase();
  return list.some((raw) => {
    const entry = raw.trim().replace(/^(telegram|tg):/i, "");
    if (entry === "*") return true;
    if (entry === msg.senderId) return true;
    return user !== undefined && entry.startsWith("@") && entry.slice(1).toLowerCase() === user;
  });
}

export function decideAccess(settings: AccountSettings, msg: InboundMessage, approvedByPairing: boolean): AccessDecision {
  if (msg.chatType === "direct") {
    switch (settings.dmPolicy) {
      case "disabled":
        return { action: "drop", reason: "dmPolicy disabled" };
      case "open":
        return { action: "deliver" };
      case "allowlist":
        return matchesAllowList(settings.allowFrom, msg) ? { action: "deliver" } : { action: "drop", reason: "sender not in allowFrom" };
      default:
        return matchesAllowList(settings.allowFrom, msg) || approvedByPairing ? { action: "deliver" } : { action: "pair" };
    }
  }
  const group = settings.groups[msg.chatId];
  const wildcard = settings.groups["*"];
  const groupCfg = group ?? wildcard;
  if (groupCfg?.enabled === false) return { action: "drop", reason: "group disabled" };
  if (settings.groupPolicy === "disabled") return { action: "drop", reason: "groupPolicy disabled" };
  if (groupCfg?.allowFrom && groupCfg.allowFrom.length > 0 && !matchesAllowList(groupCfg.allowFrom, msg)) {
    return { action: "drop", reason: "sender not in the group's allowFrom" };
  }
  if (settings.groupPolicy === "allowlist" && !groupCfg && !matchesAllowList(settings.groupAllowFrom, msg)) {
    return { action: "drop", reason: "group not allowed (groupPolicy allowlist)" };
  }
  const requireMention = groupCfg?.requireMention ?? settings.requireMention;
  if (requireMention && !msg.mentioned) return { action: "drop", reason: "not mentioned" };
  return { action: "deliver" };
}
