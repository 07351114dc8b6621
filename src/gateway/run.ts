// `openclaw gateway [run]`: flag validation, --dev config, --force, then the gateway in this
// process until SIGTERM/SIGINT; SIGUSR1 restarts in place. Prints one clear line per failure.
import fs from "node:fs/promises";
import path from "node:path";
import { EXIT_CONFIG, GatewayLockError, Messages, StartupGuardError } from "../errors.js";
import { resolveConfigPath, resolveStateDir, resolveWorkspaceDir } from "../config/paths.js";
import { readConfigSnapshot } from "../config/load.js";
import { writeConfigFile } from "../config/write.js";
import { createGateway } from "./gateway.js";
import { isBindMode, resolveBind } from "./net.js";
import { isAuthMode, type ResolvedAuth, type SecretSource } from "./auth/resolve-auth.js";
import { parsePort, type StartupCliOptions } from "./startup.js";
import { forceFreePort } from "./force.js";
import { capYoungGeneration, tuneHeap } from "./heap.js";

export interface GatewayRunOptions {
  port?: string;
  bind?: string;
  token?: string;
  auth?: string;
  password?: string;
  passwordFile?: string;
  allowUnconfigured?: boolean;
  dev?: boolean;
  reset?: boolean;
  force?: boolean;
  verbose?: boolean;
  wsLog?: string;
  compact?: boolean;
  tailscale?: string;
  tailscaleResetOnExit?: boolean;
}

const DEV_IDENTITY = { name: "C3-PO", theme: "protocol droid", emoji: "🤖" };

async function ensureDevConfig(configPath: string, stateDir: string, env: NodeJS.ProcessEnv, reset: boolean, print: (l: string) => void) {
  const existing = await readConfigSnapshot(configPath, env);
  if (existing.exists && !reset) return;
  if (existing.exists && reset) {
    const aside = `${configPath}.reset-${Date.now()}.bak`;
    await fs.rename(configPath, aside);
    print(`dev: moved the previous dev config to ${aside}`);
  }
  const workspace = resolveWorkspaceDir(env);
  await fs.mkdir(workspace, { recursive: true, mode: 0o700 });
  const config = {
    gateway: { mode: "local", bind: "loopback", http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } } },
    agents: {
      defaults: { workspace, skipBootstrap: true },
      list: [{ id: "dev", default: true, workspace, identity: DEV_IDENTITY }],
    },
  };
  await writeConfigFile({ configPath, stateDir, config, source: "gateway --dev", allowShrink: true });
  print(`dev: wrote a dev config to ${configPath}`);
}

async function readPasswordFile(file: string): Promise<string> {
  const text = await fs.readFile(path.resolve(file), "utf8");
  return text.replace(/\r?\n$/, "");
}

const SECRET_SOURCES: Record<SecretSource, string> = {
  cli: "from the command line",
  config: "from the config file",
  env: "from the environment",
  generated: "generated and saved to gateway.auth.token",
  file: "from --password-file",
};

function describeAuth(auth: ResolvedAuth): string {
  if (auth.mode === "token" && auth.tokenSource) return `token (${SECRET_SOURCES[auth.tokenSource]})`;
  if (auth.mode === "password" && auth.passwordSource) return `password (${SECRET_SOURCES[auth.passwordSource]})`;
  return auth.mode;
}

/** Runs the gateway; resolves with the process exit code. */
export async function runGatewayCommand(opts: GatewayRunOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const configPath = resolveConfigPath(env);
  const stateDir = resolveStateDir(env);
  tuneHeap();
  capYoungGeneration();
  try {
    if (opts.reset && !opts.dev && env.OPENCLAW_PROFILE !== "dev") {
      err("Use --reset with --dev.");
      return 2;
    }
    const cli: StartupCliOptions = {};
    const port = parsePort(opts.port);
    if (port !== undefined) cli.port = port;
    if (opts.bind !== undefined) {
      if (!isBindMode(opts.bind)) throw new StartupGuardError([Messages.invalidBind]);
      cli.bind = opts.bind;
    }
    if (opts.auth !== undefined) {
      if (!isAuthMode(opts.auth)) throw new StartupGuardError([Messages.invalidAuth]);
      cli.auth = opts.auth;
    }
    if (opts.token) {
      cli.token = opts.token;
      env.OPENCLAW_GATEWAY_TOKEN = opts.token;
    }
    if (opts.password) {
      err(Messages.passwordOnCommandLine);
      cli.password = opts.password;
    } else if (opts.passwordFile) {
      cli.password = await readPasswordFile(opts.passwordFile);
      cli.passwordSource = "file";
    }
    if (opts.allowUnconfigured) cli.allowUnconfigured = true;
    if (opts.tailscale && opts.tailscale !== "off") {
      err(`--tailscale ${opts.tailscale} is not supported by this gateway yet; expose it with your own tunnel and --bind.`);
      return EXIT_CONFIG;
    }
    if (opts.dev || env.OPENCLAW_PROFILE === "dev") await ensureDevConfig(configPath, stateDir, env, !!opts.reset, out);

    out("loading configuration…");
    if (opts.force) {
      const snap = await readConfigSnapshot(configPath, env);
      const p = cli.port ?? parsePort(env.OPENCLAW_GATEWAY_PORT) ?? snap.config.gateway?.port ?? 18789;
      const bindMode = cli.bind ?? snap.config.gateway?.bind ?? "loopback";
      const host = isBindMode(bindMode) ? resolveBind(bindMode, snap.config.gateway?.customBindHost).host : "127.0.0.1";
      for (const line of await forceFreePort(p, host)) out(line);
    }
    out("resolving authentication…");

    const gateway = createGateway({
      configPath,
      stateDir,
      env,
      cli,
      onNotice: out,
      loggerOptions: opts.verbose ? { verbose: true } : opts.compact ? { consoleStyle: "compact" } : {},
    });
    // Signals are handled from before the start, so a SIGTERM that lands while the gateway is
    // still starting stops it cleanly (lock released) instead of killing the process.
    let started = false;
    let stopSignal: string | undefined;
    const onStop = (signal: string) => {
      stopSignal = signal;
      if (started) void gateway.stop(`gateway stopping (${signal})`);
    };
    const onRestart = () => {
      if (started) void gateway.restart("SIGUSR1").catch((e) => err(`restart failed: ${(e as Error).message}`));
    };
    process.on("SIGTERM", onStop);
    process.on("SIGINT", onStop);
    process.on("SIGUSR1", onRestart);
    const removeHandlers = () => {
      process.off("SIGTERM", onStop);
      process.off("SIGINT", onStop);
      process.off("SIGUSR1", onRestart);
    };
    out("starting...");
    try {
      await gateway.start();
    } catch (e) {
      removeHandlers();
      throw e;
    }
    started = true;
    const auth = gateway.auth();
    out(`OpenClaw gateway ${gateway.version} listening on ${gateway.url} (${gateway.url.replace(/^ws/, "http")}/)`);
    out(`auth: ${describeAuth(auth)} · config: ${configPath} · logs: ${gateway.logFile()}`);

    if (stopSignal) void gateway.stop(`gateway stopping (${stopSignal})`);
    await gateway.stopped;
    removeHandlers();
    return 0;
  } catch (e) {
    if (e instanceof StartupGuardError) {
      for (const line of e.lines) err(line);
      return e.exitCode;
    }
    if (e instanceof GatewayLockError) {
      err(`Gateway failed to start: ${e.message}`);
      err("If the gateway is supervised, stop it with: openclaw gateway stop");
      err("Or free the port with: openclaw gateway --force (or choose another --port)");
      return 1;
    }
    err(`Gateway failed to start: ${(e as Error).message}`);
    return 1;
  }
}
