// The one registry of gateway error codes and their exact messages. Handlers throw GatewayError;
// adapters (WS error shape, HTTP JSON, CLI one-liners) render it. Strings match the reference.

export const ErrorCodes = {
  NOT_LINKED: "NOT_LINKED",
  NOT_PAIRED: "NOT_PAIRED",
  AGENT_TIMEOUT: "AGENT_TIMEOUT",
  INVALID_REQUEST: "INVALID_REQUEST",
  APPROVAL_NOT_FOUND: "APPROVAL_NOT_FOUND",
  UNAVAILABLE: "UNAVAILABLE",
  FORBIDDEN: "FORBIDDEN",
  AGENT_RESULT_NOT_FOUND: "AGENT_RESULT_NOT_FOUND",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface ErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export class GatewayError extends Error {
  readonly code: string;
  readonly details?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;

  /** A payload that travels with the error (the reference's two-stage `agent` failure frame). */
  readonly payload?: unknown;

  constructor(code: string, message: string, extra: { details?: unknown; retryable?: boolean; retryAfterMs?: number; payload?: unknown } = {}) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
    if (extra.payload !== undefined) this.payload = extra.payload;
    if (extra.details !== undefined) this.details = extra.details;
    if (extra.retryable !== undefined) this.retryable = extra.retryable;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }

  toShape(): ErrorShape {
    const shape: ErrorShape = { code: this.code, message: this.message };
    if (this.details !== undefined) shape.details = this.details;
    if (this.retryable !== undefined) shape.retryable = this.retryable;
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    return shape;
  }
}

/** Thrown by startup (lock, listen) so the CLI can tell "already running" from other failures. */
export class GatewayLockError extends Error {
  constructor(message: string, readonly holderPid?: number) {
    super(message);
    this.name = "GatewayLockError";
  }
}

/** A startup refusal: the CLI prints `lines` and exits with `exitCode` (78 = EX_CONFIG). */
export class StartupGuardError extends Error {
  constructor(readonly lines: string[], readonly exitCode = EXIT_CONFIG) {
    super(lines.join("\n"));
    this.name = "StartupGuardError";
  }
}

export const EXIT_CONFIG = 78;

type AuthClientKind = "cli" | "ui" | "other";

function authHint(kind: AuthClientKind): string {
  if (kind === "ui") return "open the dashboard URL and paste the token in Control UI settings";
  return "use this gateway's gateway.auth.token or pair the device";
}

function passwordHint(kind: AuthClientKind): string {
  if (kind === "ui") return "open the dashboard URL and enter the password in Control UI settings";
  return "use this gateway's gateway.auth.password";
}

/** Exact reference messages, in one place. */
export const Messages = {
  firstRequestMustBeConnect: "invalid handshake: first request must be connect",
  invalidRequestFrame: "invalid request frame",
  invalidHandshake: "invalid handshake",
  invalidConnectParams: (detail: string) => `invalid connect params: ${detail}`,
  protocolMismatch: "protocol mismatch",
  invalidRole: "invalid role",
  connectOnlyFirst: "connect is only valid as the first request",
  unknownMethod: (method: string) => `unknown method: ${method}`,
  unauthorizedRole: (role: string) => `unauthorized role: ${role}`,
  missingScope: (scope: string) => `missing scope: ${scope}`,
  preauthTooLarge: "preauth payload too large",
  slowConsumer: "slow consumer",
  repeatedUnauthorized: "repeated unauthorized calls",
  serviceRestart: "service restart",
  shuttingDown: "gateway is shutting down; retry shortly",
  authChanged: "gateway auth changed",
  bootstrapTokenInvalid: "control UI link expired or already used; run openclaw dashboard for a new one",
  /** The reference's wording, for clients that send `auth.bootstrapToken` (its setup-code flow). */
  bootstrapTokenInvalidReference: "unauthorized: bootstrap token invalid or expired (scan a fresh setup code)",
  deviceIdentityRequired: "device identity required",
  pairingRequired: "pairing required",
  originNotAllowed:
    "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)",
  controlUiDeviceRequired: "control ui requires device identity (use HTTPS or localhost secure context)",
  tokenMissing: (k: AuthClientKind) => `unauthorized: gateway token missing (${authHint(k)})`,
  tokenMismatch: (k: AuthClientKind) => `unauthorized: gateway token mismatch (${authHint(k)})`,
  tokenNotConfigured: "unauthorized: gateway token not configured on gateway (set gateway.auth.token)",
  passwordMissing: (k: AuthClientKind) => `unauthorized: gateway password missing (${passwordHint(k)})`,
  passwordMismatch: (k: AuthClientKind) => `unauthorized: gateway password mismatch (${passwordHint(k)})`,
  passwordNotConfigured: "unauthorized: gateway password not configured on gateway (set gateway.auth.password)",
  rateLimited: "unauthorized: too many failed authentication attempts (retry later)",
  unauthorized: "unauthorized",
  deviceTokenMismatch: "unauthorized: device token mismatch (rotate/reissue device token)",
  unknownPairingRequest: (id: string) => `unknown or expired pairing request: ${id} (see pending requests with: openclaw devices list)`,
  unknownDevice: (id: string) => `unknown device: ${id} (see paired devices with: openclaw devices list)`,
  deviceRoleNotPaired: (id: string, role: string) => `device ${id} is not paired for role ${role}`,
  deviceRoleNoToken: (id: string, role: string) => `device ${id} has no ${role} token (nothing to revoke)`,
  scopesNotHeld: (action: string, scopes: readonly string[]) => `cannot ${action} scopes you do not hold: ${scopes.join(", ")}`,
  deviceRemoved: "device removed",
  deviceTokenRotated: "device token rotated",
  deviceTokenRevoked: "device token revoked",
  startupUnavailable: (method: string) => `${method} unavailable during gateway startup`,
  controlPlaneRateLimit: (method: string, retrySec: number) =>
    `rate limit exceeded for ${method}; retry after ${retrySec}s`,
  baseHashRequired: "config base hash required; re-run config.get and retry",
  baseHashStale: "config changed since last load; re-run config.get and retry",
  baseHashUnavailable: "config base hash unavailable; re-run config.get and retry",
  invalidConfigBeforePatch: "invalid config; fix before patching",
  logReadFailed: (detail: string) => `log read failed: ${detail}`,
  // Startup guards (CLI, exit 78).
  missingConfig:
    "Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured).",
  missingMode:
    "Gateway start blocked: existing config is missing gateway.mode. Treat this as suspicious or clobbered config. Re-run `openclaw onboard --mode local` or `openclaw setup`, set gateway.mode=local manually, or pass --allow-unconfigured.",
  wrongMode: (mode: string) => `Gateway start blocked: set gateway.mode=local (current: ${mode}) or pass --allow-unconfigured.`,
  configAudit: (path: string) => `Config write audit: ${path}`,
  refuseBindWithoutAuth: (bind: string) => `Refusing to bind gateway to ${bind} without auth.`,
  refuseBindHint:
    "Set gateway.auth.token/password (or OPENCLAW_GATEWAY_TOKEN/OPENCLAW_GATEWAY_PASSWORD) or pass --token/--password.",
  legacyTokenHint: 'Found "gateway.token" in config. Use "gateway.auth.token" instead.',
  remoteTokenHint: '"gateway.remote.token" is for remote CLI calls; it does not enable local gateway auth.',
  passwordModeNoPassword: "Gateway auth is set to password, but no password is configured.",
  passwordModeHint: "Set gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or pass --password.",
  invalidPort: "Invalid port",
  invalidBind: 'Invalid --bind (use "loopback", "lan", "tailnet", "auto", or "custom")',
  invalidAuth: 'Invalid --auth (use "none", "token", "password", or "trusted-proxy")',
  passwordOnCommandLine:
    "Warning: --password can be exposed via process listings. Prefer --password-file or OPENCLAW_GATEWAY_PASSWORD.",
  authNoneWarning: "Gateway auth mode=none explicitly configured; all gateway connections are unauthenticated.",
  nonLoopbackWarning:
    "⚠️  Gateway is binding to a non-loopback address. Ensure authentication is configured before exposing to public networks.",
  addrInUse: (host: string, port: number) => `another gateway instance is already listening on ws://${host}:${port}`,
  bindFailed: (host: string, port: number, err: string) => `failed to bind gateway socket on ws://${host}:${port}: ${err}`,
  lockTimeout: (pid: number | string, ms: number) => `gateway already running (pid ${pid}); lock timeout after ${ms}ms`,
  customBindRequiresHost: "gateway.bind=custom requires gateway.customBindHost",
  customBindInvalid: (host: string) => `gateway.bind=custom requires a valid IPv4 customBindHost (got ${host})`,
  trustedProxyRequiresProxies:
    "gateway auth mode=trusted-proxy requires gateway.trustedProxies to be configured with at least one proxy IP",
  trustedProxyNoConfig:
    "gateway auth mode is trusted-proxy, but no trustedProxy config was provided (set gateway.auth.trustedProxy)",
  trustedProxyNoHeader:
    "gateway auth mode is trusted-proxy, but trustedProxy.userHeader is empty (set gateway.auth.trustedProxy.userHeader)",
  trustedProxyWithToken:
    "gateway auth mode is trusted-proxy, but a shared token is also configured; remove gateway.auth.token / OPENCLAW_GATEWAY_TOKEN because trusted-proxy and token auth are mutually exclusive",
  placeholderSecret: (what: string) =>
    `gateway.auth.${what} is still the example placeholder; set a real ${what} (openclaw doctor --generate-gateway-token)`,
  bothSecretsNeedMode:
    "gateway.auth has both token and password set; set gateway.auth.mode to \"token\" or \"password\"",
  nonLoopbackControlUi:
    "non-loopback Control UI requires gateway.controlUi.allowedOrigins (set explicit origins), or set gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback=true to use Host-header origin fallback mode",
  hooksTokenRequired: "hooks.enabled requires hooks.token",
  hooksRootPath: "hooks.path may not be '/'",
  hooksTokenMatchesGateway:
    "Invalid config: hooks.token must not match gateway auth token. Set a distinct hooks.token for hook ingress.",
  hooksQueryToken:
    "Hook token must be provided via Authorization: Bearer <token> or X-OpenClaw-Token header (query parameters are not allowed).",
  // Agent runs (ours: the reference has no string for a key reused across agent and chat.send).
  runIdInUse: (runId: string) => `idempotencyKey "${runId}" is the runId of a run another request started; use a new key`,
  // Channels (spec 2.3 `send`).
  sendNeedsText: "invalid send params: text or media is required",
  unknownChannel: (c: string) => `unknown channel: ${c}`,
  channelAccountUnavailable: (c: string, a: string, why: string) => `channel ${c} account ${a} is not available: ${why}`,
  unknownChannelPairingCode: (c: string, code: string) =>
    `unknown or expired pairing code for ${c}: ${code} (see open requests with: openclaw pairing list ${c})`,
  tailnetUnavailable: "gateway bind=tailnet found no Tailscale 100.x address on this host; falling back to 127.0.0.1",
  // Remote access: forwarded headers, trusted proxies and TLS (ours where the reference has no string).
  proxyHeadersUntrusted:
    "Proxy headers detected from untrusted address. Connection will not be treated as local. Configure gateway.trustedProxies to restore local client detection behind your proxy.",
  invalidTrustedProxy: (entry: string) =>
    `gateway.trustedProxies: "${entry}" is not an IP address or CIDR range (examples: 10.0.0.1, 10.0.0.0/8, fd00::/8)`,
  tlsNeedsCert:
    "gateway.tls.enabled requires gateway.tls.certPath and gateway.tls.keyPath, or gateway.tls.autoGenerate=true",
  tlsUnreadable: (what: string, file: string, err: string) => `gateway.tls.${what}: cannot use ${file}: ${err}`,
  tlsFingerprintMismatch: (url: string, expected: string, actual: string) =>
    `TLS fingerprint mismatch for ${url}: gateway.remote.tlsFingerprint is ${expected} but the gateway presented ${actual}; refusing to connect`,
  tlsUntrusted: (url: string, reason: string) =>
    `TLS certificate of ${url} is not trusted (${reason}); if it is the gateway's own certificate, set gateway.remote.tlsFingerprint to the SHA-256 fingerprint shown by \`openclaw gateway status\` on the gateway host`,
  tlsBadFingerprint: (value: string) =>
    `gateway.remote.tlsFingerprint "${value}" is not a SHA-256 fingerprint (64 hex digits, colons optional)`,
} as const;

export function invalidRequest(message: string, details?: unknown): GatewayError {
  return new GatewayError(ErrorCodes.INVALID_REQUEST, message, details === undefined ? {} : { details });
}

export function unavailable(message: string, extra: { details?: unknown; retryable?: boolean; retryAfterMs?: number } = {}) {
  return new GatewayError(ErrorCodes.UNAVAILABLE, message, extra);
}

/** Formats any thrown value the way the reference does for handler failures. */
export function formatError(err: unknown): string {
  if (err instanceof Error) return err.message || String(err);
  return typeof err === "string" ? err : JSON.stringify(err);
}
