// When a device must be approved: which kind of approval it needs, and the pending request plus
// `device.pair.requested` event and the NOT_PAIRED error that tells the person what to run.
import { ErrorCodes, GatewayError, Messages } from "../../errors.js";
import { GatewayEvents } from "../../protocol/events.js";
import { approveCommand, type PairingReason, type PairingRequest, type PairingRequestEvent } from "../../protocol/methods-devices.js";
import type { GatewayServices } from "../services.js";
import type { DeviceRoleToken, PairedDevice } from "./device-store.js";
import type { PairingRequestInput } from "./pending-store.js";

const norm = (s: string | undefined) => (s ?? "").trim().toLowerCase();

/**
 * What approval a connect needs, or null when the pairing covers it. Scopes are checked against
 * the role's token (what was approved for that role), else the device's approved scopes.
 */
export function pairingNeed(
  paired: PairedDevice | undefined,
  role: string,
  scopes: readonly string[],
  client: { platform: string; deviceFamily?: string | undefined },
): PairingReason | null {
  if (!paired) return "not-paired";
  if (!paired.roles.includes(role)) return "role-upgrade";
  const approved: readonly string[] = (paired.tokens[role] as DeviceRoleToken | undefined)?.scopes ?? paired.scopes;
  if (!scopes.every((s) => approved.includes(s))) return "scope-upgrade";
  if (norm(paired.platform) !== norm(client.platform) || norm(paired.deviceFamily) !== norm(client.deviceFamily)) return "metadata-upgrade";
  return null;
}

/** The event payload: the request without the public key. */
export function requestEventPayload(request: PairingRequest): PairingRequestEvent {
  const { publicKey: _omit, ...rest } = request;
  return rest;
}

/** The profile flag the approve command needs when this gateway runs under `--profile`. */
function activeProfile(env: NodeJS.ProcessEnv): string | undefined {
  const p = env.OPENCLAW_PROFILE?.trim();
  return p && p.toLowerCase() !== "default" ? p : undefined;
}

/**
 * Creates (or reuses) the pending request, announces new ones to pairing operators and logs the
 * approve command on the gateway host; returns the error the connect is refused with.
 */
export async function requirePairing(gw: GatewayServices, input: PairingRequestInput): Promise<GatewayError> {
  const { request, created } = await gw.devices.pending.upsert(input);
  const command = approveCommand(request.requestId, activeProfile(gw.env));
  if (created) {
    gw.broadcaster.broadcast(GatewayEvents.devicePairRequested, requestEventPayload(request), { dropIfSlow: true });
    gw.logger.child("devices").info(
      `pairing requested device=${request.deviceId.slice(0, 12)} client=${request.clientId} role=${request.role} reason=${request.reason} remote=${request.remoteAddress}; approve with: ${command}`,
    );
  }
  return new GatewayError(ErrorCodes.NOT_PAIRED, Messages.pairingRequired, {
    details: { code: "PAIRING_REQUIRED", requestId: request.requestId, reason: request.reason, approveCommand: command },
  });
}
