// Device pairing and device-token methods (spec 2.2, scope operator.pairing): params, results and
// the device.pair.* event payloads. Token values appear only in device.token.rotate's result.
import { Type, type Static } from "@sinclair/typebox";
import { Closed, NonEmptyString, StringEnum } from "./schema-helpers.js";

export const PAIRING_REASONS = ["not-paired", "role-upgrade", "scope-upgrade", "metadata-upgrade"] as const;
export type PairingReason = (typeof PAIRING_REASONS)[number];

/** A device waiting for an operator's decision (stored in `<stateDir>/devices/pending.json`). */
export const PairingRequestSchema = Type.Object({
  /** Short and human-typable: `openclaw devices approve <requestId>`. */
  requestId: Type.String(),
  deviceId: Type.String(),
  /** base64url raw Ed25519 key; left out of the device.pair.requested event. */
  publicKey: Type.Optional(Type.String()),
  role: Type.String(),
  scopes: Type.Array(Type.String()),
  clientId: Type.String(),
  clientMode: Type.String(),
  platform: Type.String(),
  deviceFamily: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  /** The address the request came from (the forwarded client behind a trusted proxy). */
  remoteAddress: Type.String(),
  reason: StringEnum(PAIRING_REASONS),
  createdAtMs: Type.Integer(),
  /** Requests expire 10 minutes after they were made (a retrying device keeps its request alive). */
  expiresAtMs: Type.Integer(),
});
export type PairingRequest = Static<typeof PairingRequestSchema> & { publicKey: string };
export type PairingRequestEvent = Omit<PairingRequest, "publicKey">;

/** One role's token as listed: never the token value. */
export const DeviceTokenSummarySchema = Type.Object({
  role: Type.String(),
  scopes: Type.Array(Type.String()),
  issuedAtMs: Type.Integer(),
});

export const PairedDeviceSummarySchema = Type.Object({
  deviceId: Type.String(),
  clientId: Type.String(),
  platform: Type.String(),
  deviceFamily: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  roles: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  pairedAtMs: Type.Integer(),
  lastSeenAtMs: Type.Integer(),
  tokens: Type.Array(DeviceTokenSummarySchema),
});
export type PairedDeviceSummary = Static<typeof PairedDeviceSummarySchema>;

export const DevicePairListParamsSchema = Closed({}, { $id: "DevicePairListParams" });
export const DevicePairListResultSchema = Type.Object({
  pending: Type.Array(PairingRequestSchema),
  paired: Type.Array(PairedDeviceSummarySchema),
});
export type DevicePairListResult = Static<typeof DevicePairListResultSchema>;

export const DevicePairApproveParamsSchema = Closed({ requestId: NonEmptyString }, { $id: "DevicePairApproveParams" });
export const DevicePairApproveResultSchema = Type.Object({
  ok: Type.Literal(true),
  requestId: Type.String(),
  deviceId: Type.String(),
  role: Type.String(),
  scopes: Type.Array(Type.String()),
});
export type DevicePairApproveResult = Static<typeof DevicePairApproveResultSchema>;

export const DevicePairRejectParamsSchema = Closed({ requestId: NonEmptyString }, { $id: "DevicePairRejectParams" });
export const DevicePairRejectResultSchema = Type.Object({ ok: Type.Literal(true), requestId: Type.String(), deviceId: Type.String() });
export type DevicePairRejectResult = Static<typeof DevicePairRejectResultSchema>;

export const DevicePairRemoveParamsSchema = Closed({ deviceId: NonEmptyString }, { $id: "DevicePairRemoveParams" });
export const DevicePairRemoveResultSchema = Type.Object({
  ok: Type.Literal(true),
  deviceId: Type.String(),
  /** Sockets of the device that were closed (1008 `device removed`). */
  closed: Type.Integer(),
});
export type DevicePairRemoveResult = Static<typeof DevicePairRemoveResultSchema>;

export const DeviceTokenRotateParamsSchema = Closed({ deviceId: NonEmptyString, role: NonEmptyString }, { $id: "DeviceTokenRotateParams" });
export const DeviceTokenRotateResultSchema = Type.Object({
  deviceId: Type.String(),
  role: Type.String(),
  /** The new token; the old one stops working and its sockets are closed (4001 `device token rotated`). */
  token: Type.String(),
  scopes: Type.Array(Type.String()),
  issuedAtMs: Type.Integer(),
});
export type DeviceTokenRotateResult = Static<typeof DeviceTokenRotateResultSchema>;

export const DeviceTokenRevokeParamsSchema = Closed({ deviceId: NonEmptyString, role: NonEmptyString }, { $id: "DeviceTokenRevokeParams" });
export const DeviceTokenRevokeResultSchema = Type.Object({
  ok: Type.Literal(true),
  deviceId: Type.String(),
  role: Type.String(),
  revokedAtMs: Type.Integer(),
  /** Sockets of the device in that role that were closed (1008 `device token revoked`). */
  closed: Type.Integer(),
});
export type DeviceTokenRevokeResult = Static<typeof DeviceTokenRevokeResultSchema>;

export const DevicePairResolvedEventSchema = Type.Object({
  requestId: Type.String(),
  deviceId: Type.String(),
  decision: StringEnum(["approved", "rejected"] as const),
  ts: Type.Integer(),
});
export type DevicePairResolvedEvent = Static<typeof DevicePairResolvedEventSchema>;

/** What an operator runs on the gateway host to approve a request. */
export function approveCommand(requestId: string, profile?: string): string {
  return `openclaw${profile ? ` --profile ${profile}` : ""} devices approve ${requestId}`;
}
