// Opening CLI connections and making calls, with every failure turned into one line that says
// what to do. The WS client (and `ws`) is imported only when a command actually connects. Every
// connect is signed with this machine's device identity, and a device token the gateway issued
// is kept per gateway URL and used when no shared secret is configured.
import type { DeviceIdentity } from "../client/device-identity.js";
import type { GatewayClient, GatewayClientErrorKind } from "../client/gateway-client.js";
import type { ErrorShape } from "../errors.js";
import { resolveConfigPath, resolveStateDir } from "../config/paths.js";
import type { HelloOk } from "../protocol/frames.js";
import { VERSION } from "../version.js";
import { isPlainObject } from "../config/object-utils.js";
import { CliError, EXIT_FAILURE } from "./cli-error.js";
import type { ConfigTree } from "./config-tree.js";
import { resolveGatewayTarget, resolveLocalGateway, type GatewayTarget, type LocalGateway } from "./connection.js";
import { DEFAULT_RPC_TIMEOUT_MS, parseTimeoutMs } from "./options.js";
import { getAtPath } from "../config/dotpath.js";
import { readCertificateInfo, resolveTlsPaths, type TlsConfig } from "../gateway/tls/certificate-info.js";

/** Connection flags shared by every RPC command. */
export interface RpcFlags {
  url?: string;
  token?: string;
  password?: string;
  timeout?: string;
  tlsFingerprint?: string;
}

/** A failed connection or call, with the client's failure kind kept for callers that retry. */
export class GatewayCallError extends CliError {
  constructor(
    line: string,
    readonly kind: GatewayClientErrorKind | "other",
    /** The short cause, without advice (for `RPC probe: failed (<reason>)`). */
    readonly reason: string,
    readonly shape?: ErrorShape,
  ) {
    super(line, EXIT_FAILURE);
    this.name = "GatewayCallError";
  }
}

interface ClientErrorLike {
  kind: GatewayClientErrorKind;
  message: string;
  shape?: ErrorShape;
}

function asClientError(err: unknown): ClientErrorLike | undefined {
  if (!(err instanceof Error) || err.name !== "GatewayClientError") return undefined;
  return err as unknown as ClientErrorLike;
}

function detailCode(shape: ErrorShape | undefined): string | undefined {
  const details = shape?.details as { code?: unknown } | undefined;
  return typeof details?.code === "string" ? details.code : undefined;
}

/** The one line for a connect that needs an operator's approval. */
export function pairingRequiredLine(shape: ErrorShape | undefined): string {
  const details = (shape?.details ?? {}) as { requestId?: unknown; approveCommand?: unknown };
  const command =
    typeof details.approveCommand === "string" ? details.approveCommand
    : typeof details.requestId === "string" ? `openclaw devices approve ${details.requestId}`
    : undefined;
  return command
    ? `pairing required: approve this device on the gateway host with: ${command}`
    : "pairing required: approve this device on the gateway host (openclaw devices list, then openclaw devices approve <requestId>)";
}

function rejectionHint(target: Pick<GatewayTarget, "explicitUrl" | "token" | "password">, shape: ErrorShape | undefined): string {
  const code = detailCode(shape) ?? "";
  if (code === "AUTH_RATE_LIMITED") return "Wait a minute, then retry with the right credentials.";
  if (code === "AUTH_DEVICE_TOKEN_MISMATCH") {
    return "This device's saved token was rotated or revoked and has been forgotten; pass --token (the gateway's token) to get a new one.";
  }
  if (code === "DEVICE_AUTH_SIGNATURE_EXPIRED") return "Check this machine's clock: device signatures are valid for 2 minutes.";
  if (code.startsWith("DEVICE_AUTH_")) return "This CLI's device identity (identity/device.json in the state dir) was refused.";
  if (target.explicitUrl && target.token === undefined && target.password === undefined) {
    return "Pass --token or --password (with --url, config and env credentials are not used).";
  }
  if (code.startsWith("AUTH_PASSWORD")) return "Pass --password or set gateway.auth.password.";
  return "Pass --token or set gateway.auth.token.";
}

/** The one line printed for a failed connection or call. */
export function describeGatewayFailure(
  err: unknown,
  ctx: { method: string; target: Pick<GatewayTarget, "url" | "timeoutMs" | "explicitUrl" | "token" | "password"> },
): GatewayCallError {
  const { target, method } = ctx;
  const clientError = asClientError(err);
  if (!clientError) {
    if (err instanceof GatewayCallError) return err;
    const text = err instanceof Error ? err.message : String(err);
    return new GatewayCallError(text, "other", text);
  }
  const message = clientError.message.replace(/\.$/, "");
  switch (clientError.kind) {
    case "unreachable": {
      const prefix = `gateway not reachable at ${target.url}: `;
      const reason = message.startsWith(prefix) ? message.slice(prefix.length) : message;
      const next = target.explicitUrl ? "Check --url and that the gateway is running there." : "Start it with: openclaw gateway";
      return new GatewayCallError(`gateway not reachable at ${target.url} (${reason}). ${next}`, "unreachable", reason);
    }
    case "timeout": {
      const reason = `${method} timed out after ${target.timeoutMs}ms`;
      return new GatewayCallError(`${reason} (gateway at ${target.url})`, "timeout", reason);
    }
    case "closed":
      return new GatewayCallError(`${message} (gateway at ${target.url})`, "closed", message);
    case "rejected":
      if (detailCode(clientError.shape) === "PAIRING_REQUIRED") {
        return new GatewayCallError(pairingRequiredLine(clientError.shape), "rejected", "rejected: pairing required", clientError.shape);
      }
      return new GatewayCallError(
        `gateway rejected the connection: ${message}. ${rejectionHint(target, clientError.shape)}`,
        "rejected",
        `rejected: ${message}`,
        clientError.shape,
      );
    case "tls":
      return new GatewayCallError(message, "tls", message);
    case "rpc": {
      const reason = `${clientError.shape?.code ?? "ERROR"}: ${message}`;
      return new GatewayCallError(`${method} failed: ${reason}`, "rpc", reason, clientError.shape);
    }
  }
}

/** A target plus where this CLI's device identity lives (absent: connect without one). */
export interface RpcTarget extends GatewayTarget {
  stateDir?: string;
}

/** A resolved target plus what was read to resolve it. */
export interface PreparedTarget {
  target: RpcTarget;
  configPath: string;
  /** Absent when `--url` made the config irrelevant. */
  tree?: ConfigTree;
  local?: LocalGateway;
}

/**
 * Resolves where and how to connect. The config file is read only without `--url`; if it cannot
 * be read the defaults apply and one warning line says why.
 */
export async function prepareGatewayTarget(
  flags: RpcFlags & { port?: string },
  env: NodeJS.ProcessEnv,
  opts: { defaultTimeoutMs?: number; readConfig?: boolean; warn?: (line: string) => void } = {},
): Promise<PreparedTarget> {
  const timeoutMs = parseTimeoutMs(flags.timeout, opts.defaultTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS);
  const configPath = resolveConfigPath(env);
  const stateDir = resolveStateDir(env);
  if (flags.url !== undefined && !opts.readConfig) {
    return { configPath, target: { ...resolveGatewayTarget({ flags, timeoutMs, env, config: {} }), stateDir } };
  }
  const { readConfigTree } = await import("./config-tree.js");
  const tree = await readConfigTree(configPath, env);
  if (tree.resolved === undefined && tree.issues[0]) {
    const warn = opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
    warn(`warning: config not usable (${tree.issues[0].message}); using defaults`);
  }
  const config = tree.resolved ?? {};
  const local = resolveLocalGateway({ portFlag: flags.port, env, config });
  const localFingerprint = local.tls ? localCertFingerprint(config, stateDir, configPath, env) : undefined;
  const target = {
    ...resolveGatewayTarget({ flags, timeoutMs, env, config, local, ...(localFingerprint ? { localFingerprint } : {}) }),
    stateDir,
  };
  // A SecretRef'd gateway.auth.token/password wins over env on the server (config first), so the
  // CLI resolves it too (env and file refs; loaded only when the config has such a ref).
  if (!flags.token && !flags.password && (target.source === "none" || target.source === "env")) {
    const authRefs = isPlainObject(config) && isPlainObject(config.gateway) && isPlainObject(config.gateway.auth) ? config.gateway.auth : undefined;
    if (authRefs && (isPlainObject(authRefs.token) || isPlainObject(authRefs.password))) {
      const { resolveCliAuthRefs } = await import("../secrets/cli-credentials.js");
      const creds = await resolveCliAuthRefs(config, env);
      if (creds) {
        delete target.token;
        delete target.password;
        Object.assign(target, creds, { source: "config" });
      }
    }
  }
  return { target, configPath, tree, local };
}

/** The local gateway's certificate fingerprint, read from its file (no server code, no handshake). */
function localCertFingerprint(config: unknown, stateDir: string, configPath: string, env: NodeJS.ProcessEnv): string | undefined {
  const paths = resolveTlsPaths(getAtPath(config, "gateway.tls") as TlsConfig | undefined, { stateDir, configPath, env });
  try {
    return paths ? readCertificateInfo(paths.certPath)?.fingerprint : undefined;
  } catch {
    return undefined; // unreadable: the connect then fails with the TLS trust line
  }
}

type IdentityModule = typeof import("../client/device-identity.js");

/** This machine's identity; without one (unwritable state dir) the CLI connects device-less. */
async function cliDevice(mod: IdentityModule, stateDir: string): Promise<DeviceIdentity | undefined> {
  try {
    const identity = await mod.loadOrCreateDeviceIdentity(stateDir);
    if (identity.replacedFile) {
      process.stderr.write(`warning: device identity was unreadable; moved it to ${identity.replacedFile} and created a new one (this device may need approval again)\n`);
    }
    return identity;
  } catch (err) {
    process.stderr.write(`warning: no device identity (${(err as Error).message}); connecting without one\n`);
    return undefined;
  }
}

/** Opens a connection as client `cli` (mode `cli`, default CLI scopes), signed by this device. */
export async function connectGateway(target: RpcTarget, timeoutMs: number = target.timeoutMs): Promise<GatewayClient> {
  const stateDir = target.stateDir;
  const [{ GatewayClient }, identityMod] = await Promise.all([import("../client/gateway-client.js"), import("../client/device-identity.js")]);
  const device = stateDir === undefined ? undefined : await cliDevice(identityMod, stateDir);
  const saved = device && stateDir !== undefined ? identityMod.readDeviceToken(stateDir, target.url, device.id) : undefined;
  // The device token stands in for the shared secret only when none is configured.
  const useSaved = saved !== undefined && target.token === undefined && target.password === undefined;
  let client: GatewayClient;
  try {
    const connecting = GatewayClient.connect({
      url: target.url,
      ...(target.token !== undefined ? { token: target.token } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(useSaved ? { deviceToken: saved.token } : {}),
      ...(target.tlsFingerprint !== undefined ? { tlsFingerprint: target.tlsFingerprint } : {}),
      ...(device ? { device } : {}),
      clientId: "cli",
      clientMode: "cli",
      clientVersion: VERSION,
      connectTimeoutMs: timeoutMs,
      requestTimeoutMs: target.timeoutMs,
    });
    try {
      device?.prepare(); // parse the key while the socket opens; a bad key fails the connect below
    } catch {
      // reported by the client when it signs
    }
    client = await connecting;
  } catch (err) {
    const failure = describeGatewayFailure(err, { method: "connect", target });
    if (useSaved && device && stateDir !== undefined && detailCode(failure.shape) === "AUTH_DEVICE_TOKEN_MISMATCH") {
      await identityMod.saveDeviceToken(stateDir, target.url, { deviceId: device.id, role: saved.role }).catch(() => false);
    }
    throw failure;
  }
  const issued = client.deviceAuth;
  if (device && issued && stateDir !== undefined && issued.deviceToken !== saved?.token) {
    // Best effort: a read-only state dir only costs the token's reuse next time.
    await identityMod
      .saveDeviceToken(stateDir, target.url, { deviceId: device.id, role: issued.role, token: issued.deviceToken, scopes: issued.scopes, issuedAtMs: issued.issuedAtMs })
      .catch(() => false);
  }
  return client;
}

export interface CallResult<T> {
  payload: T;
  hello: HelloOk;
  elapsedMs: number;
}

/** Connects, makes one request within the `--timeout` budget, and closes. */
export async function callGateway<T = unknown>(
  target: RpcTarget,
  method: string,
  params?: unknown,
  opts: { expectFinal?: boolean } = {},
): Promise<CallResult<T>> {
  const started = performance.now();
  const client = await connectGateway(target);
  try {
    const remaining = Math.max(1, Math.round(target.timeoutMs - (performance.now() - started)));
    const payload = await client.request<T>(method, params, { timeoutMs: remaining, expectFinal: opts.expectFinal ?? false });
    return { payload, hello: client.hello, elapsedMs: Math.round(performance.now() - started) };
  } catch (err) {
    throw describeGatewayFailure(err, { method, target });
  } finally {
    await client.close();
  }
}
