// channels.status, channels.logout, send and channels.pairing.list/approve: thin handlers over
// GatewayServices.channels (the ChannelManager does the work).
import { invalidRequest, Messages } from "../../errors.js";
import {
  ChannelsLogoutParamsSchema,
  ChannelsPairingApproveParamsSchema,
  ChannelsPairingListParamsSchema,
  ChannelsStatusParamsSchema,
  SendParamsSchema,
  type ChannelPairingRequestSummary,
  type SendResult,
} from "../../protocol/methods-channels.js";
import type { PairingRequestEntry } from "../../channels/service.js";
import type { GatewayServices } from "../services.js";
import { defineMethod, type MethodDef } from "./registry.js";

const summary = (e: PairingRequestEntry): ChannelPairingRequestSummary => ({
  channel: e.channel,
  accountId: e.accountId,
  code: e.code,
  senderId: e.senderId,
  ...(e.senderName ? { senderName: e.senderName } : {}),
  createdAtMs: e.createdAtMs,
  expiresAtMs: e.expiresAtMs,
});

/** Without `channel`, the first configured one. */
function defaultChannel(gw: GatewayServices): string {
  const id = Object.keys(gw.config().channels ?? {}).find((k) => k !== "defaults" && k !== "modelByChannel");
  if (!id) throw invalidRequest(Messages.unknownChannel("(none configured)"));
  return id;
}

export const channelMethods: MethodDef[] = [
  defineMethod({
    name: "channels.status",
    params: ChannelsStatusParamsSchema,
    handler: (ctx, p) => ctx.gateway.channels.status({ ...(p.probe ? { probe: true } : {}), ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}) }),
  }),
  defineMethod({
    name: "channels.logout",
    params: ChannelsLogoutParamsSchema,
    handler: (ctx, p) => ctx.gateway.channels.logout(p.channel, p.accountId),
  }),
  defineMethod({
    name: "send",
    params: SendParamsSchema,
    async handler(ctx, p): Promise<SendResult> {
      const text = p.message ?? "";
      if (!text.trim()) throw invalidRequest(Messages.sendNeedsText);
      const channel = (p.channel ?? defaultChannel(ctx.gateway)).trim().toLowerCase();
      const r = await ctx.gateway.channels.send({
        channel,
        to: p.to,
        text,
        ...(p.accountId ? { accountId: p.accountId } : {}),
        ...(p.replyTo !== undefined ? { replyTo: String(p.replyTo) } : {}),
        ...(p.threadId !== undefined ? { threadId: String(p.threadId) } : {}),
        idempotencyKey: p.idempotencyKey,
      });
      return { runId: p.idempotencyKey, messageId: r.messageId, channel: r.channel, chatId: p.to, accountId: r.accountId, chunks: r.chunks };
    },
  }),
  defineMethod({
    name: "channels.pairing.list",
    params: ChannelsPairingListParamsSchema,
    handler: async (ctx, p) => ({ requests: (await ctx.gateway.channels.pairingList(p.channel)).map(summary) }),
  }),
  defineMethod({
    name: "channels.pairing.approve",
    params: ChannelsPairingApproveParamsSchema,
    handler: async (ctx, p) => ({ ok: true, approved: summary(await ctx.gateway.channels.pairingApprove(p.channel, p.code)) }),
  }),
];
