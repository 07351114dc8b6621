// device.pair.* and device.token.* (scope operator.pairing): list, approve, reject and remove
// pairings; rotate and revoke per-role device tokens, closing the sockets that relied on them.
import { Messages, invalidRequest } from "../../errors.js";
import { GatewayEvents } from "../../protocol/events.js";
import { hasScope } from "../../protocol/scopes.js";
import {
  DevicePairApproveParamsSchema,
  DevicePairListParamsSchema,
  DevicePairRejectParamsSchema,
  DevicePairRemoveParamsSchema,
  DeviceTokenRevokeParamsSchema,
  DeviceTokenRotateParamsSchema,
  type DevicePairApproveResult,
  type DevicePairListResult,
  type DevicePairRejectResult,
  type DevicePairRemoveResult,
  type DevicePairResolvedEvent,
  type DeviceTokenRevokeResult,
  type DeviceTokenRotateResult,
  type PairedDeviceSummary,
} from "../../protocol/methods-devices.js";
import type { PairedDevice } from "../devices/device-store.js";
import { defineMethod, type MethodContext, type MethodDef } from "./registry.js";

/**
 * Close codes. A rotated token is a changed credential, like a rotated shared secret (4001): the
 * client should reconnect with the new token. Removal and revocation withdraw access (1008).
 */
export const CLOSE_DEVICE_TOKEN_ROTATED = 4001;
export const CLOSE_DEVICE_ACCESS_WITHDRAWN = 1008;

function summarize(d: PairedDevice): PairedDeviceSummary {
  return {
    deviceId: d.deviceId,
    clientId: d.clientId,
    platform: d.platform,
    ...(d.deviceFamily ? { deviceFamily: d.deviceFamily } : {}),
    ...(d.displayName ? { displayName: d.displayName } : {}),
    roles: [...d.roles],
    scopes: [...d.scopes],
    pairedAtMs: d.pairedAtMs,
    lastSeenAtMs: d.lastSeenAtMs,
    tokens: Object.values(d.tokens).map((t) => ({ role: t.role, scopes: [...t.scopes], issuedAtMs: t.issuedAtMs })),
  };
}

/** A pairing operator cannot hand out (or take home, via rotate) more than it holds itself. */
function requireHeld(ctx: MethodContext, action: string, scopes: readonly string[]) {
  const missing = scopes.filter((s) => !hasScope(ctx.caller.scopes, s));
  if (missing.length > 0) throw invalidRequest(Messages.scopesNotHeld(action, missing));
}

async function pairedDevice(ctx: MethodContext, rawId: string): Promise<PairedDevice> {
  const device = await ctx.gateway.devices.get(rawId.trim().toLowerCase());
  if (!device) throw invalidRequest(Messages.unknownDevice(rawId));
  return device;
}

function resolved(ctx: MethodContext, requestId: string, deviceId: string, decision: DevicePairResolvedEvent["decision"]) {
  const payload: DevicePairResolvedEvent = { requestId, deviceId, decision, ts: Date.now() };
  ctx.gateway.broadcaster.broadcast(GatewayEvents.devicePairResolved, payload, { dropIfSlow: true });
  ctx.gateway.logger.child("devices").info(`pairing ${decision} request=${requestId} device=${deviceId.slice(0, 12)} by conn=${ctx.caller.connId}`);
}

export const deviceMethods: MethodDef[] = [
  defineMethod({
    name: "device.pair.list",
    params: DevicePairListParamsSchema,
    async handler(ctx): Promise<DevicePairListResult> {
      const [pending, paired] = await Promise.all([ctx.gateway.devices.pending.list(), ctx.gateway.devices.list()]);
      return { pending, paired: paired.map(summarize) };
    },
  }),
  defineMethod({
    name: "device.pair.approve",
    params: DevicePairApproveParamsSchema,
    async handler(ctx, params): Promise<DevicePairApproveResult> {
      const { devices } = ctx.gateway;
      const request = await devices.pending.get(params.requestId);
      if (!request) throw invalidRequest(Messages.unknownPairingRequest(params.requestId));
      requireHeld(ctx, "approve", request.scopes);
      // take() removes it first, so a second concurrent approval finds nothing.
      if (!(await devices.pending.take(request.requestId))) throw invalidRequest(Messages.unknownPairingRequest(params.requestId));
      await devices.pair({
        deviceId: request.deviceId,
        publicKey: request.publicKey,
        clientId: request.clientId,
        platform: request.platform,
        role: request.role,
        scopes: request.scopes,
        ...(request.deviceFamily ? { deviceFamily: request.deviceFamily } : {}),
        ...(request.displayName ? { displayName: request.displayName } : {}),
      });
      resolved(ctx, request.requestId, request.deviceId, "approved");
      return { ok: true, requestId: request.requestId, deviceId: request.deviceId, role: request.role, scopes: [...request.scopes] };
    },
  }),
  defineMethod({
    name: "device.pair.reject",
    params: DevicePairRejectParamsSchema,
    async handler(ctx, params): Promise<DevicePairRejectResult> {
      const request = await ctx.gateway.devices.pending.take(params.requestId);
      if (!request) throw invalidRequest(Messages.unknownPairingRequest(params.requestId));
      resolved(ctx, request.requestId, request.deviceId, "rejected");
      return { ok: true, requestId: request.requestId, deviceId: request.deviceId };
    },
  }),
  defineMethod({
    name: "device.pair.remove",
    params: DevicePairRemoveParamsSchema,
    async handler(ctx, params): Promise<DevicePairRemoveResult> {
      const { deviceId } = await pairedDevice(ctx, params.deviceId);
      await ctx.gateway.devices.remove(deviceId);
      const closed = ctx.gateway.closeDeviceConnections(deviceId, {}, CLOSE_DEVICE_ACCESS_WITHDRAWN, Messages.deviceRemoved);
      ctx.gateway.logger.child("devices").info(`device removed device=${deviceId.slice(0, 12)} closed=${closed} by conn=${ctx.caller.connId}`);
      return { ok: true, deviceId, closed };
    },
  }),
  defineMethod({
    name: "device.token.rotate",
    params: DeviceTokenRotateParamsSchema,
    async handler(ctx, params): Promise<DeviceTokenRotateResult> {
      const device = await pairedDevice(ctx, params.deviceId);
      if (!device.roles.includes(params.role)) throw invalidRequest(Messages.deviceRoleNotPaired(device.deviceId, params.role));
      requireHeld(ctx, "rotate a token with", device.tokens[params.role]?.scopes ?? device.scopes);
      const token = await ctx.gateway.devices.rotateToken(device.deviceId, params.role);
      if (!token) throw invalidRequest(Messages.deviceRoleNotPaired(device.deviceId, params.role));
      // Sockets that came in with the shared secret never held the old token; they stay.
      const closed = ctx.gateway.closeDeviceConnections(device.deviceId, { role: params.role, deviceTokenOnly: true }, CLOSE_DEVICE_TOKEN_ROTATED, Messages.deviceTokenRotated);
      ctx.gateway.logger.child("devices").info(`device token rotated device=${device.deviceId.slice(0, 12)} role=${params.role} closed=${closed} by conn=${ctx.caller.connId}`);
      return { deviceId: device.deviceId, role: params.role, token: token.token, scopes: [...token.scopes], issuedAtMs: token.issuedAtMs };
    },
  }),
  defineMethod({
    name: "device.token.revoke",
    params: DeviceTokenRevokeParamsSchema,
    async handler(ctx, params): Promise<DeviceTokenRevokeResult> {
      const device = await pairedDevice(ctx, params.deviceId);
      if (!(await ctx.gateway.devices.revokeToken(device.deviceId, params.role))) {
        throw invalidRequest(Messages.deviceRoleNoToken(device.deviceId, params.role));
      }
      const closed = ctx.gateway.closeDeviceConnections(device.deviceId, { role: params.role }, CLOSE_DEVICE_ACCESS_WITHDRAWN, Messages.deviceTokenRevoked);
      ctx.gateway.logger.child("devices").info(`device token revoked device=${device.deviceId.slice(0, 12)} role=${params.role} closed=${closed} by conn=${ctx.caller.connId}`);
      return { ok: true, deviceId: device.deviceId, role: params.role, revokedAtMs: Date.now(), closed };
    },
  }),
];
