// Works out the gateway's auth settings from CLI flags, config and env (spec 5.2), refusing
// placeholder or ambiguous setups with the reference's messages.
import { Messages, StartupGuardError } from "../../errors.js";
import { NO_SECRETS, readSecretInput, type SecretValues } from "../../secrets/values.js";
import { DEFAULT_RATE_LIMIT, type RateLimitSettings } from "./rate-limit.js";

export const AUTH_MODES = ["none", "token", "password", "trusted-proxy"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export function isAuthMode(v: string): v is AuthMode {
  return (AUTH_MODES as readonly string[]).includes(v);
}

export type SecretSource = "cli" | "config" | "env" | "generated" | "file";

export interface TrustedProxySettings {
  userHeader: string;
  requiredHeaders: string[];
  allowUsers: string[];
  /** Accept identity headers from a loopback proxy (off: any local process could send them). */
  allowLoopback: boolean;
}

export interface ResolvedAuth {
  mode: AuthMode;
  modeExplicit: boolean;
  token?: string;
  tokenSource?: SecretSource;
  password?: string;
  passwordSource?: SecretSource;
  rateLimit: RateLimitSettings;
  trustedProxy?: TrustedProxySettings;
  /** Token mode with no token anywhere: startup generates and persists one. */
  needsGeneratedToken: boolean;
}

interface AuthConfig {
  mode?: string;
  token?: unknown;
  password?: unknown;
  rateLimit?: Partial<RateLimitSettings>;
  trustedProxy?: { userHeader?: string; requiredHeaders?: string[]; allowUsers?: string[]; allowLoopback?: boolean };
}

export interface ResolveAuthInput {
  config: AuthConfig | undefined;
  cli: { mode?: string; token?: string; password?: string; passwordSource?: SecretSource };
  env: NodeJS.ProcessEnv;
  /** The secrets snapshot that holds the values of `gateway.auth.*` SecretRefs. */
  secrets?: SecretValues;
}

const PLACEHOLDERS: Record<string, string> = {
  token: "change-me-to-a-long-random-token",
  password: "change-me-to-a-strong-password",
};

/** A plain value, or a SecretRef's value from the secrets snapshot (resolved before this runs). */
function resolveSecretInput(value: unknown, what: string, secrets: SecretValues): string | undefined {
  return readSecretInput(value, `gateway.auth.${what}`, secrets, (message) => new StartupGuardError([message]));
}

export function resolveGatewayAuth(input: ResolveAuthInput): ResolvedAuth {
  const cfg = input.config ?? {};
  const explicitMode = input.cli.mode ?? cfg.mode;
  if (explicitMode !== undefined && !isAuthMode(explicitMode)) throw new StartupGuardError([Messages.invalidAuth]);

  // CLI flags override both; otherwise config first, then env ("config-first").
  let token: string | undefined;
  let tokenSource: SecretSource | undefined;
  if (input.cli.token) [token, tokenSource] = [input.cli.token, "cli"];
  else {
    const fromConfig = resolveSecretInput(cfg.token, "token", input.secrets ?? NO_SECRETS);
    if (fromConfig) [token, tokenSource] = [fromConfig, "config"];
    else if (input.env.OPENCLAW_GATEWAY_TOKEN) [token, tokenSource] = [input.env.OPENCLAW_GATEWAY_TOKEN, "env"];
  }
  let password: string | undefined;
  let passwordSource: SecretSource | undefined;
  if (input.cli.password) [password, passwordSource] = [input.cli.password, input.cli.passwordSource ?? "cli"];
  else {
    const fromConfig = resolveSecretInput(cfg.password, "password", input.secrets ?? NO_SECRETS);
    if (fromConfig) [password, passwordSource] = [fromConfig, "config"];
    else if (input.env.OPENCLAW_GATEWAY_PASSWORD) [password, passwordSource] = [input.env.OPENCLAW_GATEWAY_PASSWORD, "env"];
  }

  let mode: AuthMode;
  if (explicitMode) mode = explicitMode as AuthMode;
  else if (token && password) throw new StartupGuardError([Messages.bothSecretsNeedMode]);
  else mode = password ? "password" : "token";

  if (token === PLACEHOLDERS.token && (mode === "token" || mode === "trusted-proxy")) {
    throw new StartupGuardError([Messages.placeholderSecret("token")]);
  }
  if (password === PLACEHOLDERS.password && mode === "password") {
    throw new StartupGuardError([Messages.placeholderSecret("password")]);
  }

  const result: ResolvedAuth = {
    mode,
    modeExplicit: explicitMode !== undefined,
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...(cfg.rateLimit ?? {}) },
    needsGeneratedToken: mode === "token" && !token,
  };
  if (token) Object.assign(result, { token, tokenSource });
  if (password) Object.assign(result, { password, passwordSource });

  if (mode === "trusted-proxy") {
    if (!cfg.trustedProxy) throw new StartupGuardError([Messages.trustedProxyNoConfig]);
    if (!cfg.trustedProxy.userHeader) throw new StartupGuardError([Messages.trustedProxyNoHeader]);
    if (token) throw new StartupGuardError([Messages.trustedProxyWithToken]);
    result.trustedProxy = {
      userHeader: cfg.trustedProxy.userHeader.toLowerCase(),
      requiredHeaders: (cfg.trustedProxy.requiredHeaders ?? []).map((h) => h.toLowerCase()),
      allowUsers: cfg.trustedProxy.allowUsers ?? [],
      allowLoopback: cfg.trustedProxy.allowLoopback === true,
    };
  }
  return result;
}

/** A short fingerprint of the active shared secret, so rotated secrets can be detected per socket. */
export function sharedSecretKey(auth: ResolvedAuth): string {
  if (auth.mode === "token") return `t:${auth.token ?? ""}`;
  if (auth.mode === "password") return `p:${auth.password ?? ""}`;
  return auth.mode;
}
