// Device identity proof (spec 1.5): an Ed25519 key whose sha256 is the device id signs the
// connect details plus the server's challenge nonce. v3 payloads are preferred, v2 accepted.
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { ErrorCodes, GatewayError } from "../../errors.js";
import type { ConnectParams } from "../../protocol/frames.js";
import { deviceAuthPayload, signedAuthToken, type DeviceAuthFields } from "../devices/device-auth-payload.js";

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const MAX_SIGNATURE_AGE_MS = 2 * 60_000;

function deviceError(message: string, reason: string, code: string): GatewayError {
  return new GatewayError(ErrorCodes.INVALID_REQUEST, message, { details: { code, reason } });
}

function decodeBase64Any(text: string): Buffer {
  const normalized = text.replace(/-/g, "+").replace(/_/g, "/");
  return Buffer.from(normalized, "base64");
}

/** Parses a base64url raw key or a PEM key; returns the key and its raw 32 bytes. */
export function parseDevicePublicKey(publicKey: string): { key: KeyObject; raw: Buffer } | null {
  try {
    if (publicKey.includes("BEGIN PUBLIC KEY")) {
      const key = createPublicKey(publicKey);
      if (key.asymmetricKeyType !== "ed25519") return null;
      const der = key.export({ format: "der", type: "spki" });
      return { key, raw: der.subarray(der.length - 32) };
    }
    const raw = decodeBase64Any(publicKey);
    if (raw.length !== 32) return null;
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
    return { key, raw };
  } catch {
    return null;
  }
}

export function deviceIdFromRawKey(raw: Buffer): string {
  return createHash("sha256").update(raw).digest("hex");
}

/** The exact strings a client may have signed (v3 first). */
export function deviceSignaturePayloads(params: ConnectParams, role: string, nonce: string, signedAt: number): string[] {
  const fields: DeviceAuthFields = {
    deviceId: params.device!.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role,
    scopes: params.scopes ?? [],
    signedAtMs: signedAt,
    token: signedAuthToken(params.auth),
    nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  };
  return [deviceAuthPayload("v3", fields), deviceAuthPayload("v2", fields)];
}

/** Verifies the device block against the challenge nonce; throws the reference's errors. */
export function verifyDeviceIdentity(params: ConnectParams, role: string, nonce: string, now = Date.now()): { deviceId: string; publicKeyRaw: string } {
  const device = params.device!;
  const parsed = parseDevicePublicKey(device.publicKey);
  if (!parsed) throw deviceError("device public key invalid", "device-public-key", "DEVICE_AUTH_PUBLIC_KEY_INVALID");
  if (deviceIdFromRawKey(parsed.raw) !== device.id.toLowerCase()) {
    throw deviceError("device identity mismatch", "device-id-mismatch", "DEVICE_AUTH_DEVICE_ID_MISMATCH");
  }
  if (Math.abs(now - device.signedAt) > MAX_SIGNATURE_AGE_MS) {
    throw deviceError("device signature expired", "device-signature-stale", "DEVICE_AUTH_SIGNATURE_EXPIRED");
  }
  if (!device.nonce) throw deviceError("device nonce required", "device-nonce-missing", "DEVICE_AUTH_NONCE_REQUIRED");
  if (device.nonce !== nonce) throw deviceError("device nonce mismatch", "device-nonce-mismatch", "DEVICE_AUTH_NONCE_MISMATCH");
  const signature = decodeBase64Any(device.signature);
  const ok = deviceSignaturePayloads(params, role, nonce, device.signedAt).some((payload) => {
    try {
      return verify(null, Buffer.from(payload, "utf8"), parsed.key, signature);
    } catch {
      return false;
    }
  });
  if (!ok) throw deviceError("device signature invalid", "device-signature", "DEVICE_AUTH_SIGNATURE_INVALID");
  return { deviceId: device.id.toLowerCase(), publicKeyRaw: parsed.raw.toString("base64url") };
}
