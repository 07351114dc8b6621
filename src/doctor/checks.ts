// The doctor's checks. Each reads what it needs, says what is wrong in one line with the exact
// fix, and, where a repair is safe, carries it. Nothing here writes unless `--fix` runs a repair.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { getAtPath, setAtPath, unsetAtPath } from "../config/dotpath.js";
import { parseJson5 } from "../config/json5-parse.js";
import { resolveGatewayLockPath } from "../config/paths.js";
import { StartupGuardError } from "../errors.js";
import { liveLockHolder, readGatewayLock } from "../gateway/lock.js";
import { resolveStartupSettings } from "../gateway/startup.js";
import { DEFAULT_LOG_DIR } from "../logging/rolling-file.js";
import { parseEnvironment, parseUnitFile, splitExecStart, SYSTEMD_POLICY } from "../service/systemd-unit.js";
import type { Check, DoctorContext, Finding } from "./types.js";

const MIN_TOKEN_LENGTH = 24;
const MIN_PASSWORD_LENGTH = 12;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const modeOf = (mode: number) => `0${(mode & 0o777).toString(8)}`;

async function statOrNull(p: string) {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

/** Parses and validates `<config>.bak`: the last good copy to restore from, when there is one. */
async function lastGoodBackup(configPath: string): Promise<string | undefined> {
  const bak = `${configPath}.bak`;
  try {
    const parsed = parseJson5(await fs.readFile(bak, "utf8"), bak);
    return parsed.ok ? bak : undefined;
  } catch {
    return undefined;
  }
}

const parseCheck: Check = {
  id: "config.parse",
  async run(ctx) {
    const s = ctx.snapshot;
    if (!s.exists) {
      return [{ id: "config.missing", severity: "info", message: `no config file at ${s.path}; built-in defaults apply`, fix: "openclaw setup" }];
    }
    if (ctx.parseError === null) return [];
    const bak = await lastGoodBackup(s.path);
    return [
      {
        id: "config.unparseable",
        severity: "error",
        message: `${s.path} does not parse: ${ctx.parseError}; ${bak ? `last good copy: ${bak}` : "no backup exists"}`,
        fix: bak ? `fix the file, or restore the last good copy: cp ${bak} ${s.path}` : `fix the syntax in ${s.path}`,
      },
    ];
  },
};

const UNKNOWN_KEY = /^unknown key /;

const schemaCheck: Check = {
  id: "config.schema",
  async run(ctx) {
    const s = ctx.snapshot;
    if (!s.exists || s.valid || ctx.parseError !== null) return [];
    return s.issues.map((issue): Finding => {
      const where = issue.file && path.resolve(issue.file) !== s.path ? ` (in ${issue.file})` : "";
      const inMainFile = where === "" && issue.path !== "" && getAtPath(s.parsed, issue.path) !== undefined;
      if (UNKNOWN_KEY.test(issue.message) && inMainFile) {
        return {
          id: "config.unknown-key",
          severity: "error",
          message: `${issue.path}: ${issue.message}; the gateway refuses to start with it`,
          fix: `openclaw doctor --fix (removes it), or: openclaw config unset ${issue.path}`,
          writesConfig: true,
          repair: async (c) => {
            c.draft.value = unsetAtPath(c.draft.value, issue.path) as Record<string, unknown>;
            return `removed unknown key ${issue.path}`;
          },
        };
      }
      return {
        id: UNKNOWN_KEY.test(issue.message) ? "config.unknown-key" : "config.invalid",
        severity: "error",
        message: `${issue.path || "<root>"}: ${issue.message}${where}`,
        fix: `edit ${issue.file ?? s.path} at ${issue.path || "the top level"} (openclaw config schema shows what is expected)`,
      };
    });
  },
};

const legacyCheck: Check = {
  id: "config.legacy",
  async run(ctx) {
    const parsed = ctx.snapshot.parsed;
    const legacy = getAtPath(parsed, "gateway.token");
    if (legacy === undefined) return [];
    const current = getAtPath(parsed, "gateway.auth.token");
    return [
      {
        id: "config.legacy-key",
        severity: "warn",
        message: `gateway.token is a legacy key and is ignored${current === undefined ? "" : " (gateway.auth.token is set)"}`,
        fix: current === undefined ? "openclaw doctor --fix (moves it to gateway.auth.token)" : "openclaw config unset gateway.token",
        writesConfig: true,
        repair: async (c) => {
          let draft = c.draft.value;
          if (getAtPath(draft, "gateway.auth.token") === undefined) draft = setAtPath(draft, "gateway.auth.token", legacy) as Record<string, unknown>;
          c.draft.value = unsetAtPath(draft, "gateway.token") as Record<string, unknown>;
          return current === undefined ? "moved gateway.token to gateway.auth.token" : "removed legacy gateway.token";
        },
      },
    ];
  },
};

async function permissionFinding(p: string, want: number, what: string): Promise<Finding | undefined> {
  const st = await statOrNull(p);
  if (!st || (st.mode & 0o077) === 0) return undefined;
  const octal = want.toString(8);
  return {
    id: "fs.permissions",
    severity: "warn",
    message: `${what} ${p} is open to other users (mode ${modeOf(st.mode)})`,
    fix: `chmod ${octal} ${p}`,
    repair: async () => {
      await fs.chmod(p, want);
      return `chmod ${octal} ${p}`;
    },
  };
}

const permissionsCheck: Check = {
  id: "fs.permissions",
  async run(ctx) {
    const targets: [string, number, string][] = [
      [ctx.stateDir, 0o700, "state dir"],
      [ctx.configPath, 0o600, "config file"],
      [`${ctx.configPath}.bak`, 0o600, "config backup"],
    ];
    for (const sub of ["devices", "identity", "credentials"]) {
      const dir = path.join(ctx.stateDir, sub);
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      if (entries.length > 0 || (await statOrNull(dir))) targets.push([dir, 0o700, "credentials dir"]);
      for (const e of entries) if (e.isFile()) targets.push([path.join(dir, e.name), 0o600, "credentials file"]);
    }
    const found = await Promise.all(targets.map(([p, mode, what]) => permissionFinding(p, mode, what)));
    return found.filter((f): f is Finding => f !== undefined);
  },
};

const authCheck: Check = {
  id: "auth.secrets",
  async run(ctx) {
    const s = ctx.snapshot;
    if (!s.valid) return [];
    const out: Finding[] = [];
    const auth = s.config.gateway?.auth ?? {};
    const rawToken = getAtPath(s.parsed, "gateway.auth.token");
    const token = typeof auth.token === "string" ? auth.token : undefined;
    if (typeof rawToken === "string" && !rawToken.includes("${")) {
      out.push({
        id: "auth.plaintext-token",
        severity: "info",
        message: `gateway.auth.token is stored in plaintext in ${s.path}`,
        fix: 'keep the file 0600, or use ${OPENCLAW_GATEWAY_TOKEN} or a SecretRef ({ source: "env", provider: "default", id: "..." })',
      });
    }
    if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
      const canRegenerate = typeof rawToken === "string" && !rawToken.includes("${");
      out.push({
        id: "auth.weak-token",
        severity: "warn",
        message: `gateway.auth.token is weak (${token.length} characters; use at least ${MIN_TOKEN_LENGTH})`,
        fix: canRegenerate ? "openclaw doctor --fix --generate-gateway-token (clients then need the new token)" : "set a longer token where it comes from",
        ...(canRegenerate && ctx.generateToken
          ? {
              writesConfig: true,
              repair: async (c: DoctorContext) => {
                c.draft.value = setAtPath(c.draft.value, "gateway.auth.token", randomBytes(24).toString("hex")) as Record<string, unknown>;
                return "generated a new gateway.auth.token (give it to your clients)";
              },
            }
          : {}),
      });
    }
    if (typeof auth.password === "string" && auth.password.length < MIN_PASSWORD_LENGTH) {
      out.push({
        id: "auth.weak-password",
        severity: "warn",
        message: `gateway.auth.password is weak (${auth.password.length} characters; use at least ${MIN_PASSWORD_LENGTH})`,
        fix: "openclaw config set gateway.auth.password <a longer password>",
      });
    }
    return out;
  },
};

const bindCheck: Check = {
  id: "gateway.bind",
  async run(ctx) {
    const s = ctx.snapshot;
    if (!s.exists || !s.valid) return [];
    try {
      const settings = resolveStartupSettings(s, ctx.stateDir, {}, ctx.env);
      const tls = s.config.gateway?.tls?.enabled === true;
      if (settings.bind.mode !== "loopback" && !tls) {
        return [
          {
            id: "gateway.exposed-bind",
            severity: "warn",
            message: `the gateway listens on ${settings.bind.host} (bind ${settings.bind.mode}) without TLS; credentials cross the network in clear`,
            fix: "enable gateway.tls, or bind loopback and reach it over an SSH tunnel or VPN (README: Remote access)",
          },
        ];
      }
      return [];
    } catch (err) {
      if (!(err instanceof StartupGuardError)) throw err;
      return [
        {
          id: "gateway.refuses-to-start",
          severity: "error",
          message: `the gateway refuses to start: ${err.lines.join(" ")}`,
          fix: err.lines.find((l) => /openclaw |set |config/.test(l)) ?? `edit ${s.path}`,
        },
      ];
    }
  },
};

function portOf(ctx: DoctorContext): number {
  const fromEnv = Number(ctx.env.OPENCLAW_GATEWAY_PORT);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const fromConfig = getAtPath(ctx.snapshot.parsed, "gateway.port");
  return typeof fromConfig === "number" ? fromConfig : 18789;
}

function listening(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** What answers `GET /health` on the port (node:http: fetch would load undici, ~100 ms, for one call). */
async function healthAnswer(port: number, timeoutMs = 700): Promise<"gateway" | "other" | "silent"> {
  const http = await import("node:http");
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/health", agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body = (body + c).slice(0, 4096)));
      res.on("end", () => {
        try {
          const parsed = JSON.parse(body) as Record<string, unknown>;
          resolve(parsed.ok === true || parsed.status === "live" ? "gateway" : "other");
        } catch {
          resolve("other");
        }
      });
      res.on("error", () => resolve("other"));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve("silent");
    });
    req.on("error", () => resolve("other"));
  });
}

const runtimeCheck: Check = {
  id: "gateway.runtime",
  async run(ctx) {
    const out: Finding[] = [];
    const lockPath = resolveGatewayLockPath(ctx.configPath);
    const lock = await readGatewayLock(lockPath);
    const alive = liveLockHolder(lock) !== null;
    if (lock && !alive) {
      out.push({
        id: "gateway.stale-lock",
        severity: "warn",
        message: `stale gateway lock ${lockPath} (pid ${lock.pid} is not running)`,
        fix: `openclaw doctor --fix, or: rm ${lockPath}`,
        repair: async () => {
          // Re-checked at repair time: a gateway may have started since.
          const now = await readGatewayLock(lockPath);
          if (now && now.pid === lock.pid) await fs.rm(lockPath, { force: true });
          return `removed stale lock ${lockPath}`;
        },
      });
    }
    const port = alive && lock?.port ? lock.port : portOf(ctx);
    const open = await listening(port);
    if (!open) {
      if (alive) {
        out.push({
          id: "gateway.not-listening",
          severity: "error",
          message: `gateway pid ${lock!.pid} holds the lock but nothing listens on port ${port}`,
          fix: "openclaw gateway stop, then start it again (openclaw gateway, or the service)",
        });
      } else {
        out.push({ id: "gateway.not-running", severity: "info", message: `no gateway is running on port ${port}`, fix: "openclaw gateway (or: openclaw gateway start, for the service)" });
      }
      return out;
    }
    const answer = await healthAnswer(port);
    if (answer === "gateway") {
      out.push({ id: "gateway.running", severity: "info", message: `gateway answers on port ${port}${alive ? ` (pid ${lock!.pid})` : ""}`, fix: "none needed" });
    } else if (answer === "silent") {
      out.push({
        id: "gateway.unresponsive",
        severity: "error",
        message: `something holds port ${port}${alive ? ` (gateway pid ${lock!.pid})` : ""} but /health does not answer`,
        fix: alive ? `openclaw gateway stop (or kill ${lock!.pid}), then start it again` : "openclaw gateway status --deep shows who holds the port",
      });
    } else {
      out.push({
        id: "gateway.port-conflict",
        severity: "error",
        message: `port ${port} is in use by another program (not an OpenClaw gateway)`,
        fix: "stop that program or set gateway.port to a free port (openclaw gateway status --deep shows who holds it)",
      });
    }
    return out;
  },
};

const logDirCheck: Check = {
  id: "logging.dir",
  async run(ctx) {
    const file = ctx.snapshot.config.logging?.file;
    const dir = file ? path.dirname(path.resolve(file)) : DEFAULT_LOG_DIR;
    let probe = dir;
    while (!(await statOrNull(probe))) {
      const up = path.dirname(probe);
      if (up === probe) break;
      probe = up;
    }
    try {
      await fs.access(probe, fs.constants.W_OK);
      return [];
    } catch {
      return [
        {
          id: "logging.dir-unwritable",
          severity: "error",
          message: `log directory ${dir} is not writable (${probe === dir ? "permission denied" : `cannot create it under ${probe}`})`,
          fix: `set logging.file to a writable path, or: mkdir -p ${dir} && chown $(id -u) ${dir}`,
        },
      ];
    }
  },
};

const PROVIDER_ENV: Record<string, string> = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" };

const providersCheck: Check = {
  id: "providers",
  async run(ctx) {
    const s = ctx.snapshot;
    if (!s.valid) return [];
    const out: Finding[] = [];
    const providers = s.config.models?.providers ?? {};
    for (const [id, p] of Object.entries(providers)) {
      const keyEnv = PROVIDER_ENV[id];
      const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])/.test(p.baseUrl ?? "");
      if (p.apiKey === undefined && !(keyEnv && ctx.env[keyEnv]) && !local) {
        out.push({
          id: "providers.no-key",
          severity: "warn",
          message: `model provider "${id}" has no API key`,
          fix: `set models.providers.${id}.apiKey (a SecretRef keeps it out of the file)${keyEnv ? ` or export ${keyEnv}` : ""}`,
        });
      }
    }
    const model = s.config.agents?.defaults?.model;
    const primary = typeof model === "string" ? model : isObject(model) && typeof model.primary === "string" ? model.primary : undefined;
    const provider = primary?.includes("/") ? primary.split("/")[0]! : undefined;
    if (provider && !(provider in providers) && !(PROVIDER_ENV[provider] && ctx.env[PROVIDER_ENV[provider]!]) && provider !== "ollama") {
      out.push({
        id: "providers.default-model",
        severity: "warn",
        message: `the default model ${primary} needs provider "${provider}", which is neither configured nor has a key in the environment`,
        fix: `add models.providers.${provider}${PROVIDER_ENV[provider] ? ` or export ${PROVIDER_ENV[provider]}` : ""}`,
      });
    }
    return out;
  },
};

const secretsCheck: Check = {
  id: "secrets",
  async run(ctx) {
    if (!ctx.snapshot.valid) return [];
    // The gateway's own resolvers, so doctor and startup agree; exec refs run a command: --deep only.
    const { resolveConfigSecrets, formatSecretFailure } = await import("../secrets/resolve.js");
    const result = await resolveConfigSecrets(ctx.snapshot.config, { env: ctx.env, ...(ctx.deep ? {} : { skipSources: ["exec"] as const }) });
    const out: Finding[] = result.failures.map((f) => ({
      id: "secrets.unresolved",
      severity: "error" as const,
      message: formatSecretFailure(f),
      fix: f.source === "env" ? `export the variable in the gateway's environment (service: openclaw gateway install --force)` : "openclaw secrets audit shows every ref; fix the provider or the ref, then openclaw secrets reload",
    }));
    for (const site of result.skipped) {
      out.push({ id: "secrets.exec-unchecked", severity: "info", message: `${site.path}: exec secret not resolved (it runs a command)`, fix: "openclaw doctor --deep, or: openclaw secrets audit --allow-exec" });
    }
    return out;
  },
};

const pairingCheck: Check = {
  id: "devices.pending",
  async run(ctx) {
    const file = path.join(ctx.stateDir, "devices", "pending.json");
    let list: unknown;
    try {
      list = (JSON.parse(await fs.readFile(file, "utf8")) as { requests?: unknown }).requests;
    } catch {
      return [];
    }
    if (!Array.isArray(list)) return [];
    const now = Date.now();
    return list
      .filter((r): r is Record<string, unknown> => isObject(r) && typeof r.requestId === "string" && !(typeof r.expiresAtMs === "number" && r.expiresAtMs <= now))
      .map((r) => {
        const who = [r.displayName ?? r.clientId, r.platform, r.remoteAddress ? `from ${String(r.remoteAddress)}` : undefined].filter(Boolean).join(", ");
        return {
          id: "devices.pending-request",
          severity: "info" as const,
          message: `device ${String(r.deviceId ?? "?").slice(0, 12)} (${who}) asks to pair as ${String(r.role ?? "operator")}: request ${String(r.requestId)}`,
          fix: `openclaw devices approve ${String(r.requestId)}   (or: openclaw devices reject ${String(r.requestId)})`,
        };
      });
  },
};

/** The installed systemd unit against the current settings: paths that moved, another config, no storm protection. */
export function systemdDrift(
  unitText: string,
  current: { configPath: string; stateDir: string; port?: number; exists: (p: string) => boolean },
): string[] {
  const unit = parseUnitFile(unitText);
  const service = unit.get("Service") ?? new Map<string, string[]>();
  const unitSection = unit.get("Unit") ?? new Map<string, string[]>();
  const drift: string[] = [];
  const argv = splitExecStart(service.get("ExecStart")?.[0] ?? "");
  const [node, entry] = argv;
  if (node && !current.exists(node)) drift.push(`it runs ${node}, which no longer exists`);
  if (entry && !current.exists(entry)) drift.push(`it runs ${entry}, which no longer exists`);
  const portAt = argv.indexOf("--port");
  const unitPort = portAt >= 0 ? Number(argv[portAt + 1]) : undefined;
  if (unitPort !== undefined && current.port !== undefined && unitPort !== current.port) drift.push(`it listens on --port ${unitPort}, the config says ${current.port}`);
  const env = parseEnvironment(service.get("Environment") ?? []);
  if (env.OPENCLAW_CONFIG_PATH && path.resolve(env.OPENCLAW_CONFIG_PATH) !== path.resolve(current.configPath)) {
    drift.push(`it reads ${env.OPENCLAW_CONFIG_PATH}, not ${current.configPath}`);
  }
  if (env.OPENCLAW_STATE_DIR && path.resolve(env.OPENCLAW_STATE_DIR) !== path.resolve(current.stateDir)) {
    drift.push(`its state dir is ${env.OPENCLAW_STATE_DIR}, not ${current.stateDir}`);
  }
  if (!(service.get("RestartPreventExitStatus") ?? []).some((v) => v.split(/\s+/).includes(String(SYSTEMD_POLICY.configExitStatus)))) {
    drift.push("it lacks RestartPreventExitStatus=78 (a config error would restart forever)");
  }
  if (!unitSection.has("StartLimitBurst")) drift.push("it has no start limit (a crash loop would never stop)");
  return drift;
}

const serviceDriftCheck: Check = {
  id: "service.drift",
  async run(ctx) {
    const { resolveServiceContext } = await import("../service/context.js");
    let svc;
    try {
      svc = resolveServiceContext({}, ctx.env);
    } catch {
      return [];
    }
    if (svc.manager !== "systemd") return [];
    let text: string;
    try {
      text = await fs.readFile(svc.filePath, "utf8");
    } catch {
      return [];
    }
    const { existsSync } = await import("node:fs");
    const port = getAtPath(ctx.snapshot.parsed, "gateway.port");
    const drift = systemdDrift(text, {
      configPath: ctx.configPath,
      stateDir: ctx.stateDir,
      ...(typeof port === "number" ? { port } : {}),
      exists: existsSync,
    });
    return drift.map((d) => ({
      id: "service.drift",
      severity: "warn" as const,
      message: `installed service ${svc.filePath}: ${d}`,
      fix: "openclaw gateway install --force (rewrites the unit from the current settings and restarts it)",
    }));
  },
};

export const CHECKS: readonly Check[] = [
  parseCheck,
  schemaCheck,
  legacyCheck,
  permissionsCheck,
  authCheck,
  bindCheck,
  runtimeCheck,
  logDirCheck,
  providersCheck,
  secretsCheck,
  pairingCheck,
  serviceDriftCheck,
];
