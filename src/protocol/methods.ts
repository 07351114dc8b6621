// Params schemas of the methods the gateway serves, one place for server validation, client and UI.
import { Type, type Static } from "@sinclair/typebox";
import { Closed, NonEmptyString } from "./schema-helpers.js";

export const EmptyParamsSchema = Closed({}, { $id: "EmptyParams" });

export const HealthParamsSchema = Closed({ probe: Type.Optional(Type.Boolean()) }, { $id: "HealthParams" });
export type HealthParams = Static<typeof HealthParamsSchema>;

export const StatusParamsSchema = Closed({}, { $id: "StatusParams" });

export const SystemPresenceParamsSchema = Closed({}, { $id: "SystemPresenceParams" });

export const ConfigGetParamsSchema = Closed({}, { $id: "ConfigGetParams" });

export const ConfigSetParamsSchema = Closed({ raw: Type.String(), baseHash: Type.Optional(Type.String()) }, { $id: "ConfigSetParams" });
export type ConfigSetParams = Static<typeof ConfigSetParamsSchema>;

export const ConfigApplyParamsSchema = Closed({
  raw: Type.String(),
  baseHash: Type.Optional(Type.String()),
  sessionKey: Type.Optional(Type.String()),
  deliveryContext: Type.Optional(
    Closed({
      channel: Type.Optional(Type.String()),
      to: Type.Optional(Type.String()),
      accountId: Type.Optional(Type.String()),
      threadId: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    }),
  ),
  note: Type.Optional(Type.String()),
  restartDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
}, { $id: "ConfigApplyParams" });
export type ConfigApplyParams = Static<typeof ConfigApplyParamsSchema>;

export const ConfigSchemaParamsSchema = Closed({}, { $id: "ConfigSchemaParams" });

export const LogsTailParamsSchema = Closed({
  cursor: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
}, { $id: "LogsTailParams" });
export type LogsTailParams = Static<typeof LogsTailParamsSchema>;

export const LogsTailResultSchema = Type.Object({
  file: Type.String(),
  cursor: Type.Integer(),
  size: Type.Integer(),
  lines: Type.Array(Type.String()),
  truncated: Type.Optional(Type.Boolean()),
  reset: Type.Optional(Type.Boolean()),
});
export type LogsTailResult = Static<typeof LogsTailResultSchema>;

export { NonEmptyString };

export const SecretsReloadParamsSchema = Closed({}, { $id: "SecretsReloadParams" });
/** `controlUi.bootstrap` (ours, admin): a one-time token for a Control UI link. */
export const ControlUiBootstrapParamsSchema = Closed({}, { $id: "ControlUiBootstrapParams" });

/** `secrets.reload` answer; a failure is an UNAVAILABLE error whose details list the failing refs. */
export const SecretsReloadResultSchema = Type.Object({ ok: Type.Literal(true), warningCount: Type.Integer({ minimum: 0 }) });
export type SecretsReloadResult = Static<typeof SecretsReloadResultSchema>;
