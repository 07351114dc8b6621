// The connect decision after the frame checks: origin, shared secret, device identity, pairing,
// and which scopes the connection keeps (spec 1.4-1.6 and wire-captures 5.6).
import { BootstrapTokens } from "../auth/bootstrap-tokens.js";
import type { IncomingHttpHeaders } from "node:http";
import { ErrorCodes, GatewayError, Messages } from "../../errors.js";
import type { ConnectParams } from "../../protocol/frames.js";
import { isBrowserUiClient } from "../../protocol/client-info.js";
import { authorizeShared, type AuthClientKind, type AuthMethod } from "../auth/authorize.js";
import { verifyDeviceIdentity } from "../auth/device-signature.js";
import type { DeviceRoleToken } from "../devices/device-store.js";
import { pairingNeed, requirePairing } from "../devices/pairing.js";
import { isLoopbackHostname } from "../net.js";
import type { GatewayServices } from "../services.js";

export type ConnectAuthResult =
  | { ok: true; method: AuthMethod | "device" | "bootstrap"; scopes: string[]; deviceId?: string; deviceToken?: DeviceRoleToken }
  | { ok: false; error: GatewayError };

export interface ConnectAuthInput {
  params: ConnectParams;
  role: string;
  nonce: string;
  remoteAddress: string;
  /** The socket's own remote address (a proxy's, when the client is forwarded). */
  peerAddress: string;
  isLocal: boolean;
  origin: string | undefined;
  hostHeader: string | undefined;
  headers: IncomingHttpHeaders;
}

interface ControlUiPolicy {
  allowedOrigins?: string[];
  dangerouslyAllowHostHeaderOriginFallback?: boolean;
  allowInsecureAuth?: boolean;
  dangerouslyDisableDeviceAuth?: boolean;
}

const fail = (error: GatewayError): ConnectAuthResult => ({ ok: false, error });

function checkOrigin(origin: string | undefined, hostHeader: string | undefined, isLocal: boolean, cui: ControlUiPolicy): string | null {
  if (!origin) return "origin missing or invalid";
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return "origin missing or invalid";
  }
  const allowed = cui.allowedOrigins ?? [];
  if (allowed.includes("*") || allowed.includes(url.origin)) return null;
  if (cui.dangerouslyAllowHostHeaderOriginFallback && hostHeader && url.host === hostHeader.toLowerCase()) return null;
  if (isLocal && isLoopbackHostname(url.hostname.replace(/^\[|\]$/g, ""))) return null;
  return "origin not allowed";
}

/** Device-less token clients keep their scopes only where the reference lets them (local CLI and backend). */
function deviceLessKeepsScopes(params: ConnectParams, isLocal: boolean, cui: ControlUiPolicy): boolean {
  const { id, mode } = params.client;
  if (!isLocal) return false;
  if ((id === "cli" && mode === "cli") || (id === "gateway-client" && mode === "backend")) return true;
  return isBrowserUiClient(id, mode) && !!(cui.allowInsecureAuth || cui.dangerouslyDisableDeviceAuth);
}

export async function authenticateConnect(services: GatewayServices, input: ConnectAuthInput): Promise<ConnectAuthResult> {
  const { params, role } = input;
  const auth = services.auth();
  const cui: ControlUiPolicy = (services.config().gateway?.controlUi as ControlUiPolicy | undefined) ?? {};
  const browserUi = isBrowserUiClient(params.client.id, params.client.mode);
  const clientKind: AuthClientKind = browserUi ? "ui" : params.client.id === "cli" ? "cli" : "other";

  if (input.origin !== undefined || browserUi) {
    const reason = checkOrigin(input.origin, input.hostHeader, input.isLocal, cui);
    if (reason) {
      return fail(new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.originNotAllowed, { details: { code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason } }));
    }
  }

  const creds = params.auth ?? {};
  const hasShared = !!(creds.token || creds.password);
  const device = params.device;
  const requested = params.scopes ?? [];

  if (!device) {
    const identityRequired = new GatewayError(ErrorCodes.NOT_PAIRED, Messages.deviceIdentityRequired, { details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    if (role === "node") return fail(identityRequired);
    if (!hasShared && auth.mode !== "none" && auth.mode !== "trusted-proxy") return fail(identityRequired);
    if (browserUi && auth.mode !== "trusted-proxy" && !cui.dangerouslyDisableDeviceAuth && !(cui.allowInsecureAuth && input.isLocal)) {
      return fail(new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.controlUiDeviceRequired, { details: { code: "CONTROL_UI_DEVICE_IDENTITY_REQUIRED" } }));
    }
  }

  let method: AuthMethod | "device" | "bootstrap" | undefined;
  // A one-time link token (openclaw dashboard) from a browser UI with a device identity: checked
  // after the device signature, so a bad signature never burns the link.
  // `auth.bootstrapToken` is the reference's field for such one-time tokens (any client with a device).
  const bootstrapToken = creds.bootstrapToken ?? (browserUi && BootstrapTokens.looksLike(creds.token) ? creds.token : undefined);
  // A shared secret sent alongside wins (a stale bootstrap token must not lock out a valid client).
  const bootstrap = !!device && bootstrapToken !== undefined && !(creds.bootstrapToken !== undefined && hasShared) && auth.mode !== "none";
  if (!bootstrap && (hasShared || auth.mode === "none" || auth.mode === "trusted-proxy")) {
    const sharedCreds = {
      ip: input.remoteAddress,
      clientKind,
      ...(creds.token ? { token: creds.token } : {}),
      ...(creds.password ? { password: creds.password } : {}),
      ...(auth.mode === "trusted-proxy"
        ? { proxy: { headers: input.headers, peer: input.peerAddress, peerTrusted: services.isTrustedProxy(input.peerAddress) } }
        : {}),
    };
    const decision = authorizeShared(auth, sharedCreds, services.authLimiter);
    if (!decision.ok) return fail(decision.error);
    method = decision.method;
  }

  if (!device) {
    return { ok: true, method: method ?? "none", scopes: deviceLessKeepsScopes(params, input.isLocal, cui) ? requested : [] };
  }

  const { deviceId, publicKeyRaw } = verifyDeviceIdentity(params, role, input.nonce);
  const store = services.devices;
  if (!method && bootstrap) {
    if (!services.bootstrapTokens.consume(bootstrapToken!)) {
      const message = creds.bootstrapToken !== undefined ? Messages.bootstrapTokenInvalidReference : Messages.bootstrapTokenInvalid;
      return fail(new GatewayError(ErrorCodes.INVALID_REQUEST, message, {
        details: { code: "AUTH_BOOTSTRAP_TOKEN_INVALID", authReason: "bootstrap_token_invalid", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
      }));
    }
    method = "bootstrap";
  }
  if (!method) {
    if (!creds.deviceToken) {
      return fail(new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.tokenMissing(clientKind), {
        details: { code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
      }));
    }
    if (!(await store.verifyToken(deviceId, role, creds.deviceToken))) {
      return fail(new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.deviceTokenMismatch, {
        details: { code: "AUTH_DEVICE_TOKEN_MISMATCH", authReason: "device_token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
      }));
    }
    method = "device";
  }

  // A device token proves the device, not new rights: broader scopes or new metadata still need approval.
  const need = pairingNeed(await store.get(deviceId), role, requested, params.client);
  // An admin-issued one-time link stands in for the approval itself.
  const silent = (input.isLocal && (input.origin === undefined || browserUi)) || method === "bootstrap";
  const client = params.client;
  const optional = {
    ...(client.deviceFamily ? { deviceFamily: client.deviceFamily } : {}),
    ...(client.displayName ? { displayName: client.displayName } : {}),
  };
  if (need && !(silent && (need === "not-paired" || need === "role-upgrade"))) {
    return fail(await requirePairing(services, {
      deviceId, publicKey: publicKeyRaw, role, scopes: requested, clientId: client.id, clientMode: client.mode,
      platform: client.platform, remoteAddress: input.remoteAddress, reason: need, ...optional,
    }));
  }
  const token = await store.pair({ deviceId, publicKey: publicKeyRaw, clientId: client.id, platform: client.platform, role, scopes: requested, ...optional });
  return { ok: true, method, scopes: requested, deviceId, deviceToken: token };
}
