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
}

export function resolveLocalGateway(input: { portFlag?: string | undefined; env: NodeJS.ProcessEnv; config: unknown }): LocalGateway {
  const port = resolveGatewayPort({ flag: input.portFlag, env: input.env, config: input.config });
  const configured = getAtPath(input.config, "gateway.bind");
  const bindMode = typeof configured === "string" && isBindMode(configured) ? configured : "loopback";
  const custom = getAtPath(input.config, "gateway.customBindHost");
  const customHost = typeof custom === "string" && custom.trim() ? custom.trim() : undefined;
  try {
    const bind = resolveBind(bindMode, customHost);
    // A wildcard listener is reached over loopback; a specific address only at that address.
    const probeHost = bind.loopback || bind.host === "0.0.0.0" ? "127.0.0.1" : bind.host;
    return { ...port, bindMode, bindHost: bind.host, probeHost };
  } catch (err) {
    return { ...port, bindMode, bindHost: customHost ?? "(unset)", probeHost: "127.0.0.1", bindError: (err as Error).message };
  }
}

export type CredentialSource = "flags" | "config" | "config-remote" | "env" | "none";

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
 * flags, `gateway.auth.*` (plain strings only, not SecretRefs), `gateway.remote.*`, env.
 */
export function resolveCredentials(input: {
  flags: { token?: string | undefined; password?: string | undefined };
  explicitUrl: boolean;
  config: unknown;
  env: NodeJS.ProcessEnv;
}): Credentials {
  const { flags, config, env } = input;
  const fromFlags = pick("flags", plainString(flags.token), plainString(flags.password));
  if (input.explicitUrl) return fromFlags ?? { source: "none" };
  return (
    fromFlags ??
    pick("config", plainString(getAtPath(config, "gateway.auth.token")), plainString(getAtPath(config, "gateway.auth.password"))) ??
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
}

/** Validates a `--url` value: a ws:// or wss:// URL. */
export function parseGatewayUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw usageError(`invalid --url: "${value}" (expected ws://host:port or wss://host:port)`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw usageError(`invalid --url: "${value}" (expected ws://host:port or wss://host:port)`);
  }
  return value.trim();
}

/** `ws://host:port` with IPv6 hosts bracketed. */
export function formatWsUrl(host: string, port: number): string {
  return `ws://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

export function resolveGatewayTarget(input: {
  flags: { url?: string | undefined; token?: string | undefined; password?: string | undefined };
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  config: unknown;
  /** Needed only without `--url`. */
  local?: LocalGateway;
}): GatewayTarget {
  const explicitUrl = input.flags.url !== undefined;
  let url: string;
  if (input.flags.url !== undefined) url = parseGatewayUrl(input.flags.url);
  else {
    const local = input.local ?? resolveLocalGateway({ env: input.env, config: input.config });
    url = formatWsUrl(local.probeHost, local.port);
  }
  const creds = resolveCredentials({ flags: input.flags, explicitUrl, config: input.config, env: input.env });
  return { ...creds, url, explicitUrl, timeoutMs: input.timeoutMs };
}
