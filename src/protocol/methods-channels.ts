// Channel methods (spec 2.2/2.3): channels.status, channels.logout, send, and the v4
// channels.pairing.* pair used by `openclaw pairing list|approve`.
import { Type, type Static } from "@sinclair/typebox";
import { Closed, NonEmptyString } from "./schema-helpers.js";

const Str = () => Type.Optional(Type.String());

export const ChannelsStatusParamsSchema = Closed(
  { probe: Type.Optional(Type.Boolean()), timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 120_000 })) },
  { $id: "ChannelsStatusParams" },
);
export type ChannelsStatusParams = Static<typeof ChannelsStatusParamsSchema>;

export const ChannelsLogoutParamsSchema = Closed({ channel: NonEmptyString, accountId: Str() }, { $id: "ChannelsLogoutParams" });
export type ChannelsLogoutParams = Static<typeof ChannelsLogoutParamsSchema>;

export const SendParamsSchema = Closed(
  {
    to: NonEmptyString,
    message: Str(),
    mediaUrl: Str(),
    mediaUrls: Type.Optional(Type.Array(Type.String())),
    gifPlayback: Type.Optional(Type.Boolean()),
    channel: Str(),
    accountId: Str(),
    agentId: Str(),
    threadId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    /** Ours: the message id the text answers (threaded reply). */
    replyTo: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    sessionKey: Str(),
    idempotencyKey: NonEmptyString,
  },
  { $id: "SendParams" },
);
export type SendParams = Static<typeof SendParamsSchema>;

export interface SendResult {
  runId: string;
  messageId: string;
  channel: string;
  chatId: string;
  accountId: string;
  chunks: number;
}

export const ChannelsPairingListParamsSchema = Closed({ channel: Str() }, { $id: "ChannelsPairingListParams" });
export const ChannelsPairingApproveParamsSchema = Closed({ channel: NonEmptyString, code: NonEmptyString }, { $id: "ChannelsPairingApproveParams" });
export type ChannelsPairingApproveParams = Static<typeof ChannelsPairingApproveParamsSchema>;

/** One open pairing request as listed (the sender's chat id stays on the gateway). */
export interface ChannelPairingRequestSummary {
  channel: string;
  accountId: string;
  code: string;
  senderId: string;
  senderName?: string;
  createdAtMs: number;
  expiresAtMs: number;
}
