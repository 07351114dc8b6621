// Startup settings and guards (spec 6.1 steps 4-10, 7.1): port, bind and auth resolution, and
// the refusals that exit 78 so a supervisor never loops on a config error.
import { Messages, StartupGuardError } from "../errors.js";
import { DEFAULT_GATEWAY_PORT } from "../config/paths.js";
import { formatConfigIssue } from "../config/errors.js";
import type { ConfigSnapshot } from "../config/load.js";
import { configAuditPath } from "../config/write.js";
import { resolveGatewayAuth, type ResolvedAuth, type SecretSource } from "./auth/resolve-auth.js";
import { isBindMode, resolveBind, type BindMode, type ResolvedBind } from "./net.js";
import type { SecretValues } from "../secrets/values.js";
import { invalidProxyEntries } from "./client-address.js";

export interface StartupCliOptions {
  port?: number;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
  passwordSource?: SecretSource;
  allowUnconfigured?: boolean;
}

export interface StartupSettings {
  port: number;
  portSource: "cli" | "env" | "config" | "default";
  bind: ResolvedBind;
  auth: ResolvedAuth;
  warnings: string[];
}

/** Parses a port string the way the CLI accepts it (1..65535). */
export function parsePort(value: string | number | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StartupGuardError([Messages.invalidPort]);
  return n;
}

export function invalidConfigLines(snapshot: ConfigSnapshot): string[] {
  return [`Invalid config at ${snapshot.path}:`, ...snapshot.issues.map((i) => `  - ${formatConfigIssue(i)}`), "Fix the file (or run `openclaw config validate`) and start again."];
}

export function resolveStartupSettings(
  snapshot: ConfigSnapshot,
  stateDir: string,
  cli: StartupCliOptions,
  env: NodeJS.ProcessEnv,
  secrets?: SecretValues,
): StartupSettings {
  if (!snapshot.valid) throw new StartupGuardError(invalidConfigLines(snapshot));
  const gw = snapshot.config.gateway ?? {};
  const audit = Messages.configAudit(configAuditPath(stateDir));
  if (!cli.allowUnconfigured) {
    if (!snapshot.exists) throw new StartupGuardError([Messages.missingConfig]);
    if (gw.mode === undefined) throw new StartupGuardError([Messages.missingMode, audit]);
    if (gw.mode !== "local") throw new StartupGuardError([Messages.wrongMode(String(gw.mode)), audit]);
  }

  let port: number;
  let portSource: StartupSettings["portSource"];
  if (cli.port !== undefined) [port, portSource] = [cli.port, "cli"];
  else if (env.OPENCLAW_GATEWAY_PORT) [port, portSource] = [parsePort(env.OPENCLAW_GATEWAY_PORT)!, "env"];
  else if (gw.port !== undefined) [port, portSource] = [gw.port, "config"];
  else [port, portSource] = [DEFAULT_GATEWAY_PORT, "default"];

  const bindMode = cli.bind ?? gw.bind ?? "loopback";
  if (!isBindMode(bindMode)) throw new StartupGuardError([Messages.invalidBind]);
  const bind = resolveBind(bindMode as BindMode, gw.customBindHost);

  const auth = resolveGatewayAuth({
    config: gw.auth as Parameters<typeof resolveGatewayAuth>[0]["config"],
    cli: {
      ...(cli.auth !== undefined ? { mode: cli.auth } : {}),
      ...(cli.token ? { token: cli.token } : {}),
      ...(cli.password ? { password: cli.password } : {}),
      ...(cli.passwordSource ? { passwordSource: cli.passwordSource } : {}),
    },
    env,
    ...(secrets ? { secrets } : {}),
  });

  if (auth.mode === "password" && !auth.password) {
    throw new StartupGuardError([Messages.passwordModeNoPassword, Messages.passwordModeHint]);
  }
  const warnings = [...bind.warnings];
  if (!bind.loopback) {
    if (auth.mode === "none") {
      const lines = [Messages.refuseBindWithoutAuth(bindMode), Messages.refuseBindHint];
      if ((gw as Record<string, unknown>).token !== undefined) lines.push(Messages.legacyTokenHint);
      if (gw.remote?.token !== undefined) lines.push(Messages.remoteTokenHint);
      throw new StartupGuardError(lines);
    }
    const cui = gw.controlUi ?? {};
    if (cui.enabled !== false && !(cui.allowedOrigins?.length) && !cui.dangerouslyAllowHostHeaderOriginFallback) {
      throw new StartupGuardError([Messages.nonLoopbackControlUi]);
    }
    warnings.push(Messages.nonLoopbackWarning);
  }
  if (auth.mode === "trusted-proxy" && !(gw.trustedProxies?.length)) {
    throw new StartupGuardError([Messages.trustedProxyRequiresProxies]);
  }
  const badProxies = invalidProxyEntries(gw.trustedProxies ?? []);
  if (badProxies.length) throw new StartupGuardError(badProxies.map((e) => Messages.invalidTrustedProxy(e)));
  if (auth.mode === "none" && auth.modeExplicit) warnings.push(Messages.authNoneWarning);
  return { port, portSource, bind, auth, warnings };
}
