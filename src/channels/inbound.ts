// What happens to a message that arrived on a channel: access check (pairing, allow lists,
// mention gating), routing to an agent and session, one engine run with a typing indicator
// while it goes, and the reply sent back threaded to the message it answers.
import type { RunEngine } from "../agents/engine/engine.js";
import type { LastRoute } from "../automation/delivery.js";
import type { OpenClawConfig } from "../config/schema.js";
import { mainSessionKey } from "../agents/sessions/keys.js";
import { decideAccess } from "./access.js";
import type { ChannelPairingStore } from "./pairing-store.js";
import { routeMessage } from "./routing.js";
import type { AccountSettings, ChannelAccount, InboundMessage } from "./types.js";

const TYPING_EVERY_MS = 4_000;

export interface InboundDeps {
  config(): OpenClawConfig;
  engine: RunEngine;
  pairing: ChannelPairingStore;
  log: { debug(m: string): void; info(m: string): void; warn(m: string): void };
  /** Sends through the account and records lastOutboundAt. */
  send(text: string, replyTo?: string): Promise<unknown>;
  onRunStart?(): void;
  onRunEnd?(): void;
  /** Remembers the chat as a session's last route (hooks and heartbeats deliver "last" there). */
  recordRoute?(agentId: string, sessionKey: string, route: LastRoute): void;
}

export function pairingMessage(channel: string, senderId: string, code: string): string {
  return [
    "OpenClaw: access not configured.",
    "",
    `Your ${channel} user id: ${senderId}`,
    `Pairing code: ${code}`,
    "",
    "Ask the bot owner to approve with:",
    `openclaw pairing approve ${channel} ${code}`,
  ].join("\n");
}

/** Runs one inbound message to completion (the caller does not wait for it). */
export async function handleInbound(
  msg: InboundMessage,
  settings: AccountSettings,
  account: ChannelAccount,
  deps: InboundDeps,
): Promise<void> {
  const direct = msg.chatType === "direct";
  const approved =
    direct && settings.dmPolicy === "pairing" ? await deps.pairing.isApproved(msg.channel, msg.accountId, msg.senderId) : false;
  const decision = decideAccess(settings, msg, approved);
  if (decision.action === "drop") {
    deps.log.debug(`${msg.channel}/${msg.accountId}: ignored message ${msg.messageId} from ${msg.senderId} in ${msg.chatId}: ${decision.reason}`);
    return;
  }
  if (decision.action === "pair") {
    const req = await deps.pairing.request(msg.channel, {
      accountId: msg.accountId,
      senderId: msg.senderId,
      ...(msg.senderName ? { senderName: msg.senderName } : {}),
      chatId: msg.chatId,
    });
    if (!req) {
      deps.log.warn(`${msg.channel}/${msg.accountId}: pairing request from ${msg.senderId} dropped (too many open requests)`);
      return;
    }
    if (req.created) deps.log.info(`${msg.channel}/${msg.accountId}: pairing requested by ${msg.senderId} (code ${req.entry.code})`);
    if (req.notify) await deps.send(pairingMessage(msg.channel, msg.senderId, req.entry.code));
    return;
  }
  const route = routeMessage(deps.config(), msg);
  const who = msg.senderUsername ? `@${msg.senderUsername}` : (msg.senderName ?? msg.senderId);
  const message = direct ? msg.text : `${who}: ${msg.text}`;
  const handle = deps.engine.start({ agentId: route.agentId, sessionKey: route.sessionKey, message, channel: msg.channel });
  const reachedFrom = { channel: msg.channel, to: msg.chatId, accountId: msg.accountId };
  deps.recordRoute?.(route.agentId, route.sessionKey, reachedFrom);
  // A direct message is also where the agent's owner was last: the main session's "last" route.
  const main = mainSessionKey(route.agentId, deps.config().session?.mainKey);
  if (direct && route.sessionKey !== main) deps.recordRoute?.(route.agentId, main, reachedFrom);
  deps.onRunStart?.();
  const pulse = () => void account.typing(msg.chatId).catch(() => {});
  pulse();
  const typing = setInterval(pulse, TYPING_EVERY_MS);
  try {
    const result = await handle.done;
    clearInterval(typing);
    if (result.status === "ok") {
      if (result.text.trim()) await deps.send(result.text, msg.messageId);
    } else if (result.status === "error") {
      await deps.send(`⚠️ The agent could not answer: ${result.error?.message ?? "unknown error"}`, msg.messageId);
    }
  } finally {
    clearInterval(typing);
    deps.onRunEnd?.();
  }
}
