// Params schemas of the agent, chat, sessions and catalogue methods (spec 2.3).
import { Type, type Static } from "@sinclair/typebox";
import { Closed, NonEmptyString, StringEnum } from "./schema-helpers.js";

const Str = () => Type.Optional(Type.String());
const Bool = () => Type.Optional(Type.Boolean());

export const AttachmentSchema = Type.Object({
  type: Type.Optional(Type.String()),
  mimeType: Type.Optional(Type.String()),
  fileName: Type.Optional(Type.String()),
  content: Type.Optional(Type.String()),
});

export const AgentParamsSchema = Closed(
  {
    message: Type.String(),
    idempotencyKey: NonEmptyString,
    agentId: Str(),
    provider: Str(),
    model: Str(),
    to: Str(),
    replyTo: Str(),
    sessionId: Str(),
    sessionKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    thinking: Str(),
    deliver: Bool(),
    attachments: Type.Optional(Type.Array(AttachmentSchema)),
    channel: Str(),
    replyChannel: Str(),
    accountId: Str(),
    replyAccountId: Str(),
    threadId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    groupId: Str(),
    groupChannel: Str(),
    groupSpace: Str(),
    timeout: Type.Optional(Type.Integer({ minimum: 1 })),
    bestEffortDeliver: Bool(),
    lane: Str(),
    extraSystemPrompt: Str(),
    bootstrapContextMode: Type.Optional(StringEnum(["full", "lightweight"] as const)),
    bootstrapContextRunKind: Type.Optional(StringEnum(["default", "heartbeat", "cron"] as const)),
    internalEvents: Type.Optional(Type.Array(Type.Unknown())),
    inputProvenance: Type.Optional(Type.Unknown()),
    label: Str(),
  },
  { $id: "AgentParams" },
);
export type AgentParams = Static<typeof AgentParamsSchema>;

export const AgentWaitParamsSchema = Closed({ runId: NonEmptyString, timeoutMs: Type.Optional(Type.Integer({ minimum: 0 })) }, { $id: "AgentWaitParams" });

export const ChatSendParamsSchema = Closed(
  {
    sessionKey: Type.String({ minLength: 1, maxLength: 512 }),
    message: Type.String(),
    idempotencyKey: NonEmptyString,
    thinking: Str(),
    deliver: Bool(),
    originatingChannel: Str(),
    originatingTo: Str(),
    originatingAccountId: Str(),
    originatingThreadId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    attachments: Type.Optional(Type.Array(AttachmentSchema)),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    systemInputProvenance: Type.Optional(Type.Unknown()),
    systemProvenanceReceipt: Type.Optional(Type.Unknown()),
  },
  { $id: "ChatSendParams" },
);
export type ChatSendParams = Static<typeof ChatSendParamsSchema>;

export const ChatHistoryParamsSchema = Closed(
  {
    sessionKey: Type.String({ minLength: 1, maxLength: 512 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    maxChars: Type.Optional(Type.Integer({ minimum: 1, maximum: 500_000 })),
  },
  { $id: "ChatHistoryParams" },
);

export const ChatAbortParamsSchema = Closed({ sessionKey: Type.String({ minLength: 1 }), runId: Str() }, { $id: "ChatAbortParams" });

export const ChatInjectParamsSchema = Closed({ sessionKey: Type.String({ minLength: 1 }), message: Type.String(), label: Str() }, { $id: "ChatInjectParams" });

export const SessionsListParamsSchema = Closed(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    activeMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
    includeGlobal: Bool(),
    includeUnknown: Bool(),
    includeDerivedTitles: Bool(),
    includeLastMessage: Bool(),
    label: Str(),
    spawnedBy: Str(),
    agentId: Str(),
    search: Str(),
  },
  { $id: "SessionsListParams" },
);
export type SessionsListParams = Static<typeof SessionsListParamsSchema>;

export const SessionsPreviewParamsSchema = Closed(
  { keys: Type.Array(Type.String({ minLength: 1 }), { maxItems: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })), maxChars: Type.Optional(Type.Integer({ minimum: 1 })) },
  { $id: "SessionsPreviewParams" },
);

const NullableStr = () => Type.Optional(Type.Union([Type.String(), Type.Null()]));
export const SessionsPatchParamsSchema = Closed(
  { key: Type.String({ minLength: 1 }), label: NullableStr(), thinkingLevel: NullableStr(), verboseLevel: NullableStr(), model: NullableStr(), displayName: NullableStr() },
  { $id: "SessionsPatchParams" },
);

export const SessionKeyParamsSchema = Closed({ key: Type.String({ minLength: 1 }) }, { $id: "SessionKeyParams" });
export const SessionsDeleteParamsSchema = Closed({ key: Type.String({ minLength: 1 }), deleteTranscript: Bool() }, { $id: "SessionsDeleteParams" });
export const SessionsSubscribeParamsSchema = Closed({}, { $id: "SessionsSubscribeParams" });

export const ModelsListParamsSchema = Closed({}, { $id: "ModelsListParams" });
export const AgentsListParamsSchema = Closed({}, { $id: "AgentsListParams" });
export const AgentIdentityParamsSchema = Closed({ agentId: Str(), sessionKey: Str() }, { $id: "AgentIdentityParams" });
export const ToolsCatalogParamsSchema = Closed({ agentId: Str(), includePlugins: Bool() }, { $id: "ToolsCatalogParams" });
