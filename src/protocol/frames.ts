// Frame, connect and hello-ok schemas: declared once, shared by server, client, CLI and UI.
import { Type, type Static } from "@sinclair/typebox";
import { Closed, NonEmptyString, StringEnum } from "./schema-helpers.js";
import { CLIENT_IDS, CLIENT_MODES } from "./client-info.js";

export const ErrorShapeSchema = Closed({
  code: NonEmptyString,
  message: NonEmptyString,
  details: Type.Optional(Type.Unknown()),
  retryable: Type.Optional(Type.Boolean()),
  retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const RequestFrameSchema = Closed({
  type: Type.Literal("req"),
  id: NonEmptyString,
  method: NonEmptyString,
  params: Type.Optional(Type.Unknown()),
  traceparent: Type.Optional(Type.String({ maxLength: 128 })),
}, { $id: "RequestFrame" });
export type RequestFrame = Static<typeof RequestFrameSchema>;

/** v4: the client may cancel a pending request by id. */
export const CancelFrameSchema = Closed({ type: Type.Literal("cancel"), id: NonEmptyString });
export type CancelFrame = Static<typeof CancelFrameSchema>;

export const ResponseFrameSchema = Closed({
  type: Type.Literal("res"),
  id: NonEmptyString,
  ok: Type.Boolean(),
  payload: Type.Optional(Type.Unknown()),
  error: Type.Optional(ErrorShapeSchema),
});
export type ResponseFrame = Static<typeof ResponseFrameSchema>;

export const StateVersionSchema = Closed({ presence: Type.Integer(), health: Type.Integer() });

export const EventFrameSchema = Closed({
  type: Type.Literal("event"),
  event: NonEmptyString,
  payload: Type.Optional(Type.Unknown()),
  seq: Type.Optional(Type.Integer({ minimum: 0 })),
  stateVersion: Type.Optional(StateVersionSchema),
});
export type EventFrame = Static<typeof EventFrameSchema>;

export const GatewayFrameSchema = Type.Union([RequestFrameSchema, ResponseFrameSchema, EventFrameSchema]);

export const ROLES = ["operator", "node"] as const;

export const ConnectParamsSchema = Closed({
  minProtocol: Type.Integer({ minimum: 1 }),
  maxProtocol: Type.Integer({ minimum: 1 }),
  client: Closed({
    id: StringEnum(CLIENT_IDS),
    displayName: Type.Optional(Type.String()),
    version: NonEmptyString,
    platform: NonEmptyString,
    deviceFamily: Type.Optional(Type.String()),
    modelIdentifier: Type.Optional(Type.String()),
    instanceId: Type.Optional(Type.String()),
    mode: StringEnum(CLIENT_MODES),
  }),
  caps: Type.Optional(Type.Array(Type.String())),
  commands: Type.Optional(Type.Array(Type.String())),
  permissions: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
  pathEnv: Type.Optional(Type.String()),
  // Role is checked by hand so an unknown role gets the reference's "invalid role" reply.
  role: Type.Optional(Type.String()),
  scopes: Type.Optional(Type.Array(Type.String())),
  device: Type.Optional(
    Closed({
      id: NonEmptyString,
      publicKey: NonEmptyString,
      signature: NonEmptyString,
      signedAt: Type.Integer(),
      nonce: Type.String(),
    }),
  ),
  auth: Type.Optional(
    Closed({
      token: Type.Optional(Type.String()),
      bootstrapToken: Type.Optional(Type.String()),
      deviceToken: Type.Optional(Type.String()),
      password: Type.Optional(Type.String()),
      approvalRuntimeToken: Type.Optional(Type.String()),
      agentRuntimeIdentityToken: Type.Optional(Type.String()),
    }),
  ),
  locale: Type.Optional(Type.String()),
  userAgent: Type.Optional(Type.String()),
}, { $id: "ConnectParams" });
export type ConnectParams = Static<typeof ConnectParamsSchema>;

export const PresenceEntrySchema = Type.Object({
  host: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  deviceFamily: Type.Optional(Type.String()),
  modelIdentifier: Type.Optional(Type.String()),
  mode: Type.Optional(Type.String()),
  lastInputSeconds: Type.Optional(Type.Number()),
  reason: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  text: Type.Optional(Type.String()),
  ts: Type.Integer(),
  deviceId: Type.Optional(Type.String()),
  roles: Type.Optional(Type.Array(Type.String())),
  scopes: Type.Optional(Type.Array(Type.String())),
  instanceId: Type.Optional(Type.String()),
});
export type PresenceEntry = Static<typeof PresenceEntrySchema>;

export const SessionDefaultsSchema = Type.Object({
  defaultAgentId: Type.String(),
  mainKey: Type.String(),
  mainSessionKey: Type.String(),
  scope: Type.Optional(Type.String()),
});

export const SnapshotSchema = Type.Object({
  presence: Type.Array(PresenceEntrySchema),
  health: Type.Unknown(),
  stateVersion: StateVersionSchema,
  uptimeMs: Type.Integer(),
  configPath: Type.Optional(Type.String()),
  stateDir: Type.Optional(Type.String()),
  sessionDefaults: Type.Optional(SessionDefaultsSchema),
  authMode: Type.Optional(StringEnum(["none", "token", "password", "trusted-proxy"] as const)),
});
export type Snapshot = Static<typeof SnapshotSchema>;

export const HelloAuthSchema = Type.Object({
  method: Type.Optional(Type.String()),
  deviceToken: Type.Optional(Type.String()),
  role: Type.String(),
  scopes: Type.Array(Type.String()),
  issuedAtMs: Type.Optional(Type.Integer()),
});
export type HelloAuth = Static<typeof HelloAuthSchema>;

export const HelloOkSchema = Type.Object({
  type: Type.Literal("hello-ok"),
  protocol: Type.Integer(),
  server: Type.Object({ version: Type.String(), connId: Type.String(), bootId: Type.Optional(Type.String()) }),
  features: Type.Object({
    methods: Type.Array(Type.String()),
    events: Type.Array(Type.String()),
    capabilities: Type.Optional(Type.Array(Type.String())),
  }),
  snapshot: SnapshotSchema,
  auth: Type.Optional(HelloAuthSchema),
  policy: Type.Object({
    maxPayload: Type.Integer(),
    maxBufferedBytes: Type.Integer(),
    tickIntervalMs: Type.Integer(),
  }),
});
export type HelloOk = Static<typeof HelloOkSchema>;

export const ConnectChallengeSchema = Type.Object({ nonce: Type.String(), ts: Type.Integer() });

export const ShutdownEventSchema = Type.Object({
  reason: NonEmptyString,
  restartExpectedMs: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
});
export type ShutdownEvent = Static<typeof ShutdownEventSchema>;

export const TickEventSchema = Type.Object({ ts: Type.Integer() });
