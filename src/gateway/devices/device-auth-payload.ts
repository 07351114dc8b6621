// The string a device signs in `connect` (spec 1.5), defined once: the gateway verifies it
// (auth/device-signature.ts) and the CLI builds it (client/device-identity.ts). No imports, so
// the CLI's fast path loads nothing else for it.
import type { ConnectParams } from "../../protocol/frames.js";

/** What a device signs, field by field. */
export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  /** `auth.token ?? auth.deviceToken ?? auth.bootstrapToken`, or empty. */
  token: string;
  nonce: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

/** v3: `v3|deviceId|clientId|clientMode|role|scopesCSV|signedAtMs|token|nonce|platform|deviceFamily`; v2 stops at nonce. */
export function deviceAuthPayload(version: "v2" | "v3", f: DeviceAuthFields): string {
  const base = [version, f.deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(","), String(f.signedAtMs), f.token, f.nonce];
  if (version === "v2") return base.join("|");
  const norm = (s: string | undefined) => (s ?? "").trim().toLowerCase();
  return [...base, norm(f.platform), norm(f.deviceFamily)].join("|");
}

/** The token field of the payload for these connect params. */
export function signedAuthToken(auth: ConnectParams["auth"]): string {
  return auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? "";
}

/** The v3 payload a device signs for these connect params (the CLI and the Control UI share it). */
export function connectSigningPayload(params: ConnectParams, deviceId: string, nonce: string, signedAtMs: number): string {
  return deviceAuthPayload("v3", {
    deviceId,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: params.role ?? "operator",
    scopes: params.scopes ?? [],
    signedAtMs,
    token: signedAuthToken(params.auth),
    nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  });
}
