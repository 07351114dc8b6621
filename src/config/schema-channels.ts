// The `channels` section: one entry per chat app (Telegram checked in detail), each with its
// own accounts and the DM/group safety policies (spec 5.3).
import { Type } from "@sinclair/typebox";
import { secretInputField } from "./schema-secrets.js";
import { int, openObject, stringEnum, strictObject } from "./schema-helpers.js";

const Bool = () => Type.Optional(Type.Boolean());
const Str = () => Type.Optional(Type.String());
/** Telegram user ids are numbers; `@username` entries and `*` are strings. */
const IdList = () => Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number()])));

export const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
export const GROUP_POLICIES = ["allowlist", "open", "disabled"] as const;

const TelegramGroupSchema = strictObject({
  enabled: Bool(),
  requireMention: Bool(),
  allowFrom: IdList(),
});

// Fields an account may set; the channel-level section holds the same fields as account defaults.
const telegramAccountFields = {
  enabled: Bool(),
  name: Str(),
  botToken: Type.Optional(secretInputField()),
  tokenFile: Str(),
  dmPolicy: Type.Optional(stringEnum(DM_POLICIES)),
  allowFrom: IdList(),
  groupPolicy: Type.Optional(stringEnum(GROUP_POLICIES)),
  groupAllowFrom: IdList(),
  groups: Type.Optional(Type.Record(Type.String(), TelegramGroupSchema, { description: "Per chat id, or `*` for every group" })),
  requireMention: Bool(),
  /** Ours: the Bot API root (a self-hosted Bot API server, or a fake one in tests). */
  apiRoot: Str(),
  /** Webhook mode instead of long polling: the public URL Telegram posts to. */
  webhookUrl: Str(),
  webhookSecret: Type.Optional(secretInputField()),
  /** Path on the gateway's port that receives webhook posts (default `/telegram-webhook/<accountId>`). */
  webhookPath: Str(),
  textChunkLimit: Type.Optional(int(1)),
  /** Ours: long-poll timeout in seconds (default 30). */
  pollTimeoutSeconds: Type.Optional(int(0)),
  healthMonitor: Type.Optional(strictObject({ enabled: Bool() })),
};

const TelegramAccountSchema = strictObject(telegramAccountFields);

export const TelegramChannelSchema = strictObject({
  ...telegramAccountFields,
  defaultAccount: Str(),
  accounts: Type.Optional(Type.Record(Type.String(), TelegramAccountSchema)),
});

// Channels this build has no plugin for yet are accepted unchecked, so a config written for the
// reference still loads; a misspelt channel id stays an error.
const other = () => Type.Optional(openObject("No plugin in this build; not checked"));

export const ChannelsSchema = strictObject({
  defaults: Type.Optional(
    strictObject({ groupPolicy: Type.Optional(stringEnum(GROUP_POLICIES)), contextVisibility: Str(), heartbeat: Type.Optional(openObject()) }),
  ),
  modelByChannel: Type.Optional(Type.Record(Type.String(), Type.String())),
  telegram: Type.Optional(TelegramChannelSchema),
  whatsapp: other(), discord: other(), slack: other(), signal: other(), imessage: other(), msteams: other(),
  googlechat: other(), mattermost: other(), matrix: other(), irc: other(),
});
