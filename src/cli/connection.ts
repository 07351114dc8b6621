// Where the gateway is and how to authenticate to it, from flags, env and the config tree.
// Pure functions: the RPC commands, `gateway status` and the unit tests share them.
import { getAtPath } from "../config/dotpath.js";
import { DEFAULT_GATEWAY_PORT } from "../config/paths.js";
// net.ts is a node-built-ins-only helper; importing it keeps the CLI's idea of the bind host
// identical to the server's instead of a second copy that could drift.
import { isBindMode, resolveBind } from "../gateway/net.js";
import { usageError } from "./cli-error.js";
import { toPort } from "./options.js";

export type PortSource = "--port" | "env" | "config" | "default";

export interface ResolvedPort {
  port: number;
  source: PortSource;
}

/** Port precedence (spec 5.2): `--port` > OPENCLAW_GATEWAY_PORT > `gateway.port` > 18789. */
export function resolveGatewayPort(input: { flag?: string | undefined; env: NodeJS.ProcessEnv; config: unknown }): ResolvedPort {
  if (input.flag !== undefined) {
    const port = toPort(input.flag);
    if (port === undefined) throw usageError(`invalid --port: "${input.flag}" (expected an integer from 1 to 65535)`);
    return { port, source: "--port" };
  }
  const fromEnv = input.env.OPENCLAW_GATEWAY_PORT?.trim();
  if (fromEnv) {
    const port = toPort(fromEnv);
    if (port === undefined) throw usageError(`invalid OPENCLAW_GATEWAY_PORT: "${fromEnv}" (expected an integer from 1 to 65535)`);
    return { port, source: "env" };
  }
  // An invalid config value is reported by validation; here it just does not count.
  const fromConfig = toPort(getAtPath(input.config, "gateway.port"));
  if (fromConfig !== undefined) return { port: fromConfig, source: "config" };
  return { port: DEFAULT_GATEWAY_PORT, source: "default" };
}

/** The local gateway as the config describes it: what it binds and where a local client reaches it. */
export interface LocalGateway extends ResolvedPort {
  bindMode: string;
  /** The listen host the server would use (`0.0.0.0` for lan). */
  bindHost: string;
  /** The host a client on this machine connects to. */
  probeHost: string;
  /** Why the bind could not be resolved (the server would refuse to start). */
  bindError?: string;
  /** gateway.tls.enabled: the local gateway speaks https/wss. */
  tls?: boolean;
}

export function resolveLocalGateway(input: { portFlag?: string | undefined; env: NodeJS.ProcessEnv; config: unknown }): LocalGateway {
  const port = resolveGatewayPort({ flag: input.portFlag, env: input.env, config: input.config });
  const configured = getAtPath(input.config, "gateway.bind");
  const bindMode = typeof configured === "string" && isBindMode(configured) ? configured : "loopback";
  const custom = getAtPath(input.config, "gateway.customBindHost");
  const customHost = typeof custom === "string" && custom.trim() ? custom.trim() : undefined;
  const tls = getAtPath(input.config, "gateway.tls.enabled") === true ? { tls: true } : {};
  try {
    const bind = resolveBind(bindMode, customHost);
    // A wildcard listener is reached over loopback; a specific address only at that address.
    const probeHost = bind.loopback || bind.host === "0.0.0.0" ? "127.0.0.1" : bind.host;
    return { ...port, bindMode, bindHost: bind.host, probeHost, ...tls };
  } catch (err) {
    return { ...port, bindMode, bindHost: customHost ?? "(unset)", probeHost: "127.0.0.1", bindError: (err as Error).message, ...tls };
  }
}

export type CredentialSource = "flags" | "config" | "config-remote" | "env" | "none";

/** `gateway.remote`: where this CLI's gateway is when it is not the local one (client side only). */
export interface RemoteGateway {
  url: string;
  token?: string;
  password?: string;
  tlsFingerprint?: string;
}

/** The configured remote gateway, when `gateway.remote.url` is set and `remote.enabled` is not false. */
export function resolveRemoteGateway(config: unknown): RemoteGateway | undefined {
  const url = plainString(getAtPath(config, "gateway.remote.url"));
  if (url === undefined || getAtPath(config, "gateway.remote.enabled") === false) return undefined;
  const remote: RemoteGateway = { url: parseGatewayUrl(url, "gateway.remote.url") };
  const token = plainString(getAtPath(config, "gateway.remote.token"));
  const password = plainString(getAtPath(config, "gateway.remote.password"));
  const pin = plainString(getAtPath(config, "gateway.remote.tlsFingerprint"));
  if (token !== undefined) remote.token = token;
  if (password !== undefined) remote.password = password;
  if (pin !== undefined) remote.tlsFingerprint = pin;
  return remote;
}

export interface Credentials {
  token?: string;
  password?: string;
  source: CredentialSource;
}

function plainString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function pick(source: CredentialSource, token: string | undefined, password: string | undefined): Credentials | undefined {
  if (token === undefined && password === undefined) return undefined;
  const creds: Credentials = { source };
  if (token !== undefined) creds.token = token;
  if (password !== undefined) creds.password = password;
  return creds;
}

/**
 * Credentials for a CLI connection. With `--url` only the flags count (spec 6.2: never config or
 * env, so a remote URL cannot receive the local secret). Otherwise the first tier that has any:
 * flags, `gateway.auth.*` (plain strings only, not SecretRefs), `gateway.remote.*`, env. When
 * `gateway.remote.url` is the target, the local `gateway.auth.*` secret is never sent there.
 */
export function resolveCredentials(input: {
  flags: { token?: string | undefined; password?: string | undefined };
  explicitUrl: boolean;
  config: unknown;
  env: NodeJS.ProcessEnv;
  remote?: boolean;
}): Credentials {
  const { flags, config, env } = input;
  const fromFlags = pick("flags", plainString(flags.token), plainString(flags.password));
  if (input.explicitUrl) return fromFlags ?? { source: "none" };
  return (
    fromFlags ??
    (input.remote ? undefined : pick("config", plainString(getAtPath(config, "gateway.auth.token")), plainString(getAtPath(config, "gateway.auth.password")))) ??
    pick(
      "config-remote",
      plainString(getAtPath(config, "gateway.remote.token")),
      plainString(getAtPath(config, "gateway.remote.password")),
    ) ??
    pick("env", plainString(env.OPENCLAW_GATEWAY_TOKEN?.trim()), plainString(env.OPENCLAW_GATEWAY_PASSWORD?.trim())) ?? {
      source: "none",
    }
  );
}

/** Everything needed to open one CLI connection. */
export interface GatewayTarget extends Credentials {
  url: string;
  explicitUrl: boolean;
  timeoutMs: number;
  /** Where the URL came from: `--url`, `gateway.remote.url`, or the local gateway's config. */
  urlSource?: "flag" | "remote" | "local";
  /** Pinned SHA-256 certificate fingerprint for wss:// (flag, gateway.remote, or the local cert). */
  tlsFingerprint?: string;
}

/** Validates a `--url` (or `gateway.remote.url`) value: a ws:// or wss:// URL. */
export function parseGatewayUrl(value: string, what = "--url"): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw usageError(`invalid ${what}: "${value}" (expected ws://host:port or wss://host:port)`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw usageError(`invalid ${what}: "${value}" (expected ws://host:port or wss://host:port)`);
  }
  return value.trim();
}

/** `ws://host:port` (or `wss://`) with IPv6 hosts bracketed. */
export function formatWsUrl(host: string, port: number, secure = false): string {
  return `${secure ? "wss" : "ws"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Where to connect: `--url`, else `gateway.remote.url`, else the local gateway (wss:// when its
 * TLS is on, pinned to `localFingerprint`, the fingerprint of its certificate file).
 */
export function resolveGatewayTarget(input: {
  flags: { url?: string | undefined; token?: string | undefined; password?: string | undefined; tlsFingerprint?: string | undefined };
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  config: unknown;
  /** Needed only without `--url`. */
  local?: LocalGateway;
  /** The local gateway's certificate fingerprint, when its TLS is on and the file was readable. */
  localFingerprint?: string;
}): GatewayTarget {
  const explicitUrl = input.flags.url !== undefined;
  const remote = explicitUrl ? undefined : resolveRemoteGateway(input.config);
  let url: string;
  let urlSource: GatewayTarget["urlSource"];
  let pin = plainString(input.flags.tlsFingerprint);
  if (input.flags.url !== undefined) [url, urlSource] = [parseGatewayUrl(input.flags.url), "flag"];
  else if (remote) {
    [url, urlSource] = [remote.url, "remote"];
    pin ??= remote.tlsFingerprint;
  } else {
    const local = input.local ?? resolveLocalGateway({ env: input.env, config: input.config });
    [url, urlSource] = [formatWsUrl(local.probeHost, local.port, local.tls === true), "local"];
    if (local.tls) pin ??= input.localFingerprint;
  }
  const creds = resolveCredentials({ flags: input.flags, explicitUrl, config: input.config, env: input.env, remote: remote !== undefined });
  return { ...creds, url, explicitUrl, timeoutMs: input.timeoutMs, urlSource, ...(pin !== undefined ? { tlsFingerprint: pin } : {}) };
}
