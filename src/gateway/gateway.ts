// The Gateway object: owns config, auth, logger, HTTP + WS servers, registry, broadcaster,
// presence and health. start/stop/restart is the whole lifecycle; no module-level state, so a
// test can run two gateways in one process.
import { randomBytes, randomUUID } from "node:crypto";
import http, { type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import { WebSocketServer, type WebSocket } from "ws";
import { VERSION } from "../version.js";
import { GatewayLockError, Messages, StartupGuardError } from "../errors.js";
import { readConfigSnapshot, type ConfigSnapshot } from "../config/load.js";
import type { OpenClawConfig } from "../config/schema.js";
import { ConfigWriter, writeConfigFile } from "../config/write.js";
import { setAtPath } from "../config/dotpath.js";
import { resolveGatewayLockPath } from "../config/paths.js";
import { createLogger, type GatewayLogger, type LoggerOptions, type SubsystemLogger } from "../logging/logger.js";
import { AuthRateLimiter } from "./auth/rate-limit.js";
import { BootstrapTokens } from "./auth/bootstrap-tokens.js";
import { sharedSecretKey, type ResolvedAuth } from "./auth/resolve-auth.js";
import { authorizeHttpBearer, reliesOnSharedSecret } from "./auth/authorize.js";
import { ControlPlaneRateLimiter } from "./control-plane-rate-limit.js";
import { DeviceStore } from "./devices/device-store.js";
import { HealthMonitor, type AgentDescriptor } from "./health-monitor.js";
import { buildHello } from "./hello.js";
import { createHttpHandler, type HttpStage } from "./http/router.js";
import { probesStage } from "./http/probes.js";
import { builtinHttpStages } from "./http/stages.js";
import { acquireGatewayLock, type GatewayLockHandle } from "./lock.js";
import { closeServer, listenAlias, listenWithRetry } from "./listen.js";
import { MethodRegistry, type MethodDef } from "./methods/registry.js";
import { systemMethods } from "./methods/system.js";
import { configMethods } from "./methods/config.js";
import { logsMethods } from "./methods/logs.js";
import { agentMethods } from "./methods/agent.js";
import { chatMethods } from "./methods/chat.js";
import { sessionsMethods } from "./methods/sessions.js";
import { catalogMethods } from "./methods/catalog.js";
import { deviceMethods } from "./methods/devices.js";
import { secretsMethods } from "./methods/secrets.js";
import { cronMethods } from "./methods/cron.js";
import { heartbeatMethods } from "./methods/heartbeat.js";
import { Automation } from "../automation/automation.js";
import { lastRouteOf, type LastRoute } from "../automation/delivery.js";
import { resolveHeartbeat } from "../automation/heartbeat-config.js";
import { RunEngine } from "../agents/engine/engine.js";
import { DedupeCache } from "../agents/engine/dedupe.js";
import { SessionStore } from "../agents/sessions/store.js";
import { attachWsEvents, type WsEventSinks } from "../agents/views/ws-events.js";
import type { AgentRuntime, DedupeEntry } from "./agent-runtime.js";
import { PresenceRegistry } from "./presence.js";
import { Channels } from "../channels/service.js";
import type { SupervisorTiming } from "../channels/supervisor.js";
import { channelMethods } from "./methods/channels.js";
import { resolveSessionKey } from "./methods/agent-support.js";
import { SessionEvents } from "./session-events.js";
import type { ConfigWriteResult, DeviceConnectionFilter, GatewayServices, RestartPlan } from "./services.js";
import { resolveStartupSettings, type StartupCliOptions, type StartupSettings } from "./startup.js";
import { describeClient, TrustedProxies } from "./client-address.js";
import { Broadcaster } from "./ws/broadcast.js";
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, WsConnection, type ConnectionHost, type WsSettings } from "./ws/connection.js";
import { PreauthBudget } from "./ws/preauth-budget.js";
import { ToolEventRecipients } from "./ws/tool-recipients.js";
import { decide, diffConfigPaths, planReload, type HotAction, type ReloadPlan } from "./reload/plan.js";
import { ConfigFileWatcher } from "./reload/watcher.js";
import { formatSecretFailure } from "../secrets/resolve.js";
import { SecretsRuntime, SecretsSnapshot } from "../secrets/snapshot.js";
import type { GatewayTls } from "./tls/load-tls.js";

export interface GatewayOptions {
  configPath: string;
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  cli?: StartupCliOptions;
  /** Use this logger instead of creating one from `logging.*` (tests). */
  logger?: GatewayLogger;
  loggerOptions?: Partial<LoggerOptions>;
  /** Take the per-config lock (default: unless OPENCLAW_ALLOW_MULTI_GATEWAY=1). */
  lock?: boolean;
  tickIntervalMs?: number;
  healthRefreshMs?: number;
  handshakeTimeoutMs?: number;
  listenRetries?: number;
  listenRetryDelayMs?: number;
  /** How long stop() waits for in-flight HTTP requests before cutting them. */
  drainTimeoutMs?: number;
  /** Extra HTTP stages, built with this gateway's services; they run before the built-in ones. */
  httpStages?: ((gw: GatewayServices) => HttpStage)[];
  /** Extra methods (later issues). */
  methods?: MethodDef[];
  /** Channel health-monitor timing (tests use short backoffs and stale checks). */
  channelTiming?: Partial<SupervisorTiming>;
  /** Called with human-facing startup lines (the CLI prints them). */
  onNotice?: (line: string) => void;
  /** Watch the config file and apply edits (gateway.reload.*); default true. */
  watchConfig?: boolean;
}

/** Context a hot-reload handler gets: the configs before and after, and the paths that asked for it. */
export interface HotReloadContext {
  action: HotAction;
  paths: string[];
  previous: OpenClawConfig;
  next: OpenClawConfig;
}
export type HotReloadHandler = (ctx: HotReloadContext) => void | Promise<void>;

/** What a config change did; returned to the caller (tests, config.set) and logged. */
export type ReloadOutcome =
  | { kind: "unchanged" }
  | { kind: "skipped"; reason: string }
  | { kind: "disabled" }
  | { kind: "hot"; paths: string[]; skippedRestart: string[] }
  | { kind: "restart"; paths: string[] };

const DEFAULT_TICK_MS = 30_000;
const DEFAULT_HEALTH_MS = 60_000;
const DEFAULT_HANDSHAKE_MS = 15_000;
const RESTART_COOLDOWN_MS = 30_000;
const DEFAULT_RELOAD_DEBOUNCE_MS = 300;
const AUTOMATION_START_DELAY_MS = 200;
const DEFAULT_DEFERRAL_MS = 300_000;

export class Gateway implements GatewayServices {
  readonly version = VERSION;
  readonly bootId = randomUUID();
  readonly configPath: string;
  readonly stateDir: string;
  readonly methods = new MethodRegistry();
  readonly controlPlaneLimiter = new ControlPlaneRateLimiter();
  readonly bootstrapTokens = new BootstrapTokens();
  readonly devices: DeviceStore;
  readonly broadcaster: Broadcaster;
  readonly presence: PresenceRegistry;
  readonly health: HealthMonitor;
  readonly agents: AgentRuntime;
  readonly secrets: SecretsRuntime;
  readonly channels: Channels;
  readonly automation: Automation;
  startedAt = Date.now();
  authLimiter!: AuthRateLimiter;

  readonly #opts: GatewayOptions;
  readonly #env: NodeJS.ProcessEnv;
  readonly #configWriter = new ConfigWriter();
  readonly #ownWriteHashes = new Set<string>();
  readonly #connections = new Set<WsConnection>();
  readonly #preauth = new PreauthBudget();
  #snapshot!: ConfigSnapshot;
  #settings!: StartupSettings;
  #proxies = new TrustedProxies([]);
  /** TLS material when gateway.tls.enabled: HTTPS and WSS on the one port. */
  #tls: GatewayTls | undefined;
  /** node:https, loaded (with the TLS code) only for a gateway that serves TLS. */
  #https: typeof import("node:https") | undefined;
  #logger: GatewayLogger | undefined;
  #log!: SubsystemLogger;
  #wsLog!: SubsystemLogger;
  #servers: Server[] = [];
  #wss: WebSocketServer | undefined;
  #lock: GatewayLockHandle | undefined;
  #timers: NodeJS.Timeout[] = [];
  #loopDelay: IntervalHistogram | undefined;
  #elu = performance.eventLoopUtilization();
  #port = 0;
  #state: "idle" | "starting" | "running" | "stopping" | "stopped" = "idle";
  #restartTimer: NodeJS.Timeout | undefined;
  #restartPlan: RestartPlan | undefined;
  #lastRestartAt = 0;
  #stopped: Promise<void> | undefined;
  #resolveStopped: (() => void) | undefined;
  #watcher: ConfigFileWatcher | undefined;
  #reloadingHot = false;
  #reloadChain: Promise<unknown> = Promise.resolve();
  readonly #reloadHandlers = new Map<string, HotReloadHandler[]>();

  constructor(opts: GatewayOptions) {
    this.#opts = opts;
    this.#env = opts.env ?? process.env;
    this.configPath = opts.configPath;
    this.stateDir = opts.stateDir;
    this.devices = new DeviceStore(opts.stateDir);
    this.secrets = new SecretsRuntime({ env: this.#env });
    this.secrets.onActivate((next) => this.#onSecretsActivated(next));
    this.broadcaster = new Broadcaster(MAX_BUFFERED_BYTES, (peer) => this.#wsLog?.warn(`slow consumer conn=${peer.id}; closing`));
    this.presence = new PresenceRegistry(PresenceRegistry.gatewaySelf(VERSION, this.bootId, undefined, Date.now()));
    this.health = new HealthMonitor(
      { stateDir: opts.stateDir, agents: () => this.#agents(), heartbeatEveryMs: (agentId) => (this.#snapshot ? resolveHeartbeat(this.config(), agentId).everyMs : 30 * 60_000) },
      (summary, version) => this.broadcaster.broadcast("health", summary, { stateVersion: { presence: this.presence.version, health: version } }),
    );
    this.agents = this.#createAgentRuntime();
    this.channels = new Channels({
      config: () => this.config(),
      env: this.#env,
      secrets: { get: (p) => this.secrets.current.get(p) },
      stateDir: opts.stateDir,
      engine: this.agents.engine,
      log: () => this.#logger!.child("channels"),
      ...(opts.channelTiming ? { timing: opts.channelTiming } : {}),
      recordRoute: (agentId, sessionKey, route) => void this.#recordRoute(agentId, sessionKey, route),
    });
    // Hot reload: a changed `channels.<id>` restarts that channel only; health-monitor keys retime supervisors.
    const reconfigureChannels: HotReloadHandler = async ({ next }) => void (await this.channels.reconfigure(next));
    this.registerReloadHandler("channel:*", reconfigureChannels);
    this.registerReloadHandler("health-monitor", reconfigureChannels);
    this.automation = new Automation({
      stateDir: this.stateDir,
      env: this.#env,
      config: () => this.config(),
      engine: this.agents.engine,
      defaultAgentId: () => this.sessionDefaults().defaultAgentId,
      mainKey: () => this.sessionDefaults().mainKey,
      channels: () => (this as GatewayServices).channels,
      lastRoute: async (agentId, sessionKey) => lastRouteOf(await this.agents.sessions.get(agentId, sessionKey)),
      log: () => this.#logger!.child("automation"),
      broadcast: (event, payload) => this.broadcaster.broadcast(event, payload),
    });
    // Hot reload: `cron.*` reopens the store and rearms the scheduler; heartbeat-related keys
    // (agents.*.heartbeat, models, agents.list) rearm the heartbeat timers.
    this.registerReloadHandler("cron", async () => {
      this.automation.stop();
      await this.automation.start();
    });
    this.registerReloadHandler("heartbeat", () => {
      this.automation.heartbeat.stop();
      this.automation.heartbeat.start();
    });
    this.methods.registerAll([
      ...systemMethods,
      ...configMethods,
      ...logsMethods,
      ...agentMethods,
      ...chatMethods,
      ...sessionsMethods,
      ...catalogMethods,
      ...deviceMethods,
      ...secretsMethods,
      ...channelMethods,
      ...cronMethods,
      ...heartbeatMethods,
      ...(opts.methods ?? []),
    ]);
  }

  get env(): NodeJS.ProcessEnv {
    return this.#env;
  }

  #createAgentRuntime(): AgentRuntime {
    const sessions = new SessionStore({ stateDir: this.stateDir });
    const engine = new RunEngine({
      config: () => this.config(),
      env: this.#env,
      stateDir: this.stateDir,
      sessions,
      log: () => this.#logger!.child("agents"),
      secrets: () => this.secrets.current,
    });
    const toolEventRecipients = new ToolEventRecipients((sessionKey) => engine.activeForSession(sessionKey).map((r) => r.runId));
    const sessionEvents = new SessionEvents({
      broadcaster: this.broadcaster,
      sessions,
      agentFor: (sessionKey) => resolveSessionKey(this, sessionKey).agentId,
      hasActiveRun: (sessionKey) => engine.activeForSession(sessionKey).length > 0,
    });
    const wsSinks: WsEventSinks = {
      broadcaster: this.broadcaster,
      toolRecipients: toolEventRecipients,
      verboseLevel: async (agentId, sessionKey) => (await sessions.get(agentId, sessionKey))?.verboseLevel ?? this.config().agents?.defaults?.verboseDefault,
    };
    engine.onRun((run) => {
      attachWsEvents(run, wsSinks);
      sessionEvents.watch(run);
    });
    return {
      engine,
      sessions,
      dedupe: new DedupeCache<DedupeEntry>(),
      toolEventRecipients,
      sessionSubscribers: sessionEvents.subscribers,
      sessionsChanged: (sessionKey, reason, extra) => sessionEvents.changed(sessionKey, reason, extra),
    };
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    const host = this.#settings?.bind.host ?? "127.0.0.1";
    return `${this.#tls ? "wss" : "ws"}://${host.includes(":") ? `[${host}]` : host}:${this.#port}`;
  }

  /** The served certificate (path, SHA-256 fingerprint, expiry) when TLS is on. */
  get tls(): GatewayTls | undefined {
    return this.#tls;
  }

  get settings(): StartupSettings {
    return this.#settings;
  }

  get logger(): GatewayLogger {
    return this.#logger!;
  }

  /** Resolves when the gateway has fully stopped (for the CLI's run loop). */
  get stopped(): Promise<void> {
    return (this.#stopped ??= new Promise((r) => (this.#resolveStopped = r)));
  }

  config(): OpenClawConfig {
    return this.#snapshot.config;
  }

  configSnapshot(): ConfigSnapshot {
    return this.#snapshot;
  }

  auth(): ResolvedAuth {
    return this.#settings.auth;
  }

  logFile(): string {
    return this.#logger!.filePath;
  }

  /** True when the file at configPath is one the gateway wrote itself (for the reload watcher). */
  isOwnWrite(hash: string | null): boolean {
    return hash !== null && this.#ownWriteHashes.has(hash);
  }

  // The session's last route, without bumping its updatedAt (a route is not activity in it) and
  // without an index write when it is unchanged.
  async #recordRoute(agentId: string, sessionKey: string, route: LastRoute): Promise<void> {
    try {
      const cur = await this.agents.sessions.get(agentId, sessionKey);
      if (cur && cur.lastChannel === route.channel && cur.lastTo === route.to && cur.lastAccountId === route.accountId) return;
      const fields = { lastChannel: route.channel, lastTo: route.to, lastAccountId: route.accountId };
      await this.agents.sessions.patch(agentId, sessionKey, cur ? { ...fields, updatedAt: cur.updatedAt } : fields);
    } catch (err) {
      this.#logger?.child("channels").warn(`could not record the last route of ${sessionKey}: ${(err as Error).message}`);
    }
  }

  sessionDefaults() {
    const agents = this.#agents();
    const defaultAgentId = (agents.find((a) => a.isDefault) ?? agents[0]!).id;
    const session = this.config().session ?? {};
    const mainKey = session.mainKey ?? "main";
    return { defaultAgentId, mainKey, mainSessionKey: `agent:${defaultAgentId}:${mainKey}`, scope: session.scope ?? "per-sender" };
  }

  #agents(): AgentDescriptor[] {
    const list = this.#snapshot?.config.agents?.list ?? [];
    if (list.length === 0) return [{ id: "main", isDefault: true }];
    const explicit = list.findIndex((a) => a.default === true);
    const defIdx = explicit >= 0 ? explicit : 0;
    return list.map((a, i) => ({ id: a.id, isDefault: i === defIdx, ...(a.name ? { name: a.name } : {}) }));
  }

  async writeConfig(config: Record<string, unknown>, source: string, opts: { allowShrink?: boolean } = {}): Promise<ConfigWriteResult> {
    const result = await writeConfigFile(
      { configPath: this.configPath, stateDir: this.stateDir, config, source, version: VERSION, ...(opts.allowShrink ? { allowShrink: true } : {}) },
      this.#configWriter,
    );
    this.#ownWriteHashes.add(result.hash);
    if (this.#ownWriteHashes.size > 32) this.#ownWriteHashes.delete(this.#ownWriteHashes.values().next().value!);
    return result;
  }

  scheduleRestart(reason: string, delayMs: number, opts: { cooldownMs?: number } = {}): RestartPlan {
    if (this.#restartPlan) return { ...this.#restartPlan, coalesced: true };
    const sinceLast = Date.now() - this.#lastRestartAt;
    const cooldown = opts.cooldownMs ?? RESTART_COOLDOWN_MS;
    const wait = Math.max(delayMs, this.#lastRestartAt ? cooldown - sinceLast : 0);
    this.#restartPlan = { scheduled: true, delayMs: wait, reason, coalesced: false };
    this.#restartTimer = setTimeout(() => {
      this.#restartPlan = undefined;
      void this.restart(reason).catch((err) => this.#log.error(`restart failed: ${(err as Error).message}`));
    }, wait);
    return this.#restartPlan;
  }

  /** How long a restart waits for running agent runs (gateway.reload.deferralTimeoutMs). */
  #restartRunGraceMs(): number {
    return this.config().gateway?.reload?.deferralTimeoutMs ?? this.#opts.drainTimeoutMs ?? DEFAULT_DEFERRAL_MS;
  }

  #wsSettings(): WsSettings {
    const configured = this.config().gateway?.maxBufferedBytes;
    return {
      maxBufferedBytes: typeof configured === "number" ? configured : MAX_BUFFERED_BYTES,
      tickIntervalMs: this.#opts.tickIntervalMs ?? DEFAULT_TICK_MS,
      handshakeTimeoutMs: this.#opts.handshakeTimeoutMs ?? (Number(this.#env.OPENCLAW_HANDSHAKE_TIMEOUT_MS) || DEFAULT_HANDSHAKE_MS),
    };
  }

  /** Loads config, applies the startup guards, takes the lock and listens. */
  async start(): Promise<void> {
    if (this.#state !== "idle" && this.#state !== "stopped") throw new Error(`gateway is ${this.#state}`);
    const t0 = performance.now();
    this.#state = "starting";
    this.agents.engine.resume();
    try {
      await this.#loadAndResolve();
      this.#ensureLogger();
      if (this.#settings.auth.needsGeneratedToken) await this.#generateToken();
      for (const w of this.#settings.warnings) this.#log.warn(w);
      for (const w of this.secrets.current.warnings) this.#log.warn(w.message);
      this.#announceTls();
      const lockWanted = this.#opts.lock ?? this.#env.OPENCLAW_ALLOW_MULTI_GATEWAY !== "1";
      if (lockWanted && !this.#lock) {
        this.#lock = await acquireGatewayLock({ lockPath: resolveGatewayLockPath(this.configPath), configPath: this.configPath });
      }
      await this.#listen(this.#settings.port);
      await this.#lock?.update({ port: this.#port });
    } catch (err) {
      this.#state = "stopped";
      await this.#closeServers();
      await this.#lock?.release();
      this.#lock = undefined;
      throw err;
    }
    this.startedAt = Date.now();
    this.#startTimers();
    this.#state = "running";
    // Cron and heartbeat arm in the background a moment later, so the first clients' handshakes do
    // not share the CPU with the cron store (cron methods wait for it); startup does not.
    void this.automation.start({ delayMs: AUTOMATION_START_DELAY_MS });
    this.#startChannels();
    this.#watchConfig();
    void this.health.refresh();
    this.#log.info(`listening on ${this.url} (PID ${process.pid})`);
    this.#log.info(`log file: ${this.logFile()}`);
    this.#log.info(`ready (${((performance.now() - t0) / 1000).toFixed(2)}s)`);
  }

  // Channels connect after the gateway listens and never hold up startup.
  #startChannels() {
    void this.channels.start().catch((err) => this.#log.error(`channels failed to start: ${(err as Error).message}`));
  }

  async #loadAndResolve(): Promise<void> {
    const snapshot = await readConfigSnapshot(this.configPath, this.#env, { validationCache: true });
    const secrets = await this.#resolveSecrets(snapshot);
    const settings = await this.#resolveSettings(snapshot, secrets);
    // The TLS code (node:tls, node:https, selfsigned) loads only when TLS is on.
    const tlsConfig = snapshot.config.gateway?.tls;
    const tls = tlsConfig?.enabled !== true ? undefined : await (await import("./tls/load-tls.js")).loadGatewayTls(tlsConfig, {
      stateDir: this.stateDir,
      configPath: this.configPath,
      env: this.#env,
      bindHost: settings.bind.host,
    });
    if (tls) this.#https ??= await import("node:https");
    // Activated only once every guard passed, so a refused restart keeps the running snapshot.
    this.secrets.activate(secrets);
    this.#snapshot = snapshot;
    this.#settings = settings;
    this.#tls = tls;
    this.authLimiter = new AuthRateLimiter(settings.auth.rateLimit);
    this.#proxies = new TrustedProxies(snapshot.config.gateway?.trustedProxies ?? []);
  }

  #announceTls() {
    const tls = this.#tls;
    if (!tls) return;
    for (const w of tls.warnings) this.#log.warn(w);
    if (tls.generated) {
      this.#log.info(`generated a self-signed TLS certificate: ${tls.certPath}`);
      this.#opts.onNotice?.(`Generated a self-signed TLS certificate: ${tls.certPath}`);
    }
    this.#log.info(`TLS certificate SHA-256 fingerprint: ${tls.info.fingerprint} (${tls.certPath})`);
    this.#opts.onNotice?.(`TLS on: certificate SHA-256 fingerprint ${tls.info.fingerprint} (clients pin it with gateway.remote.tlsFingerprint)`);
  }

  /** Startup settings for a snapshot; throws StartupGuardError (exit 78 at start, "skipped" on reload). */
  async #resolveSettings(snapshot: ConfigSnapshot, secrets: SecretsSnapshot): Promise<StartupSettings> {
    const settings = resolveStartupSettings(snapshot, this.stateDir, this.#opts.cli ?? {}, this.#env, secrets);
    if (snapshot.config.hooks?.enabled) {
      // Hooks code loads only for gateways that use hooks; a bad hooks config refuses to start (78).
      const { validateHooksConfig } = await import("./http/hooks/settings.js");
      const problem = validateHooksConfig(snapshot.config, settings.auth, { env: this.#env, configPath: snapshot.path, secrets });
      if (problem) throw new StartupGuardError([problem]);
    }
    return settings;
  }

  // ---- config reload -------------------------------------------------------------------------

  /** Registers what to do when a hot-reloadable section changes (`channel:*` matches every channel). */
  registerReloadHandler(action: HotAction | "channel:*", handler: HotReloadHandler): void {
    this.#reloadHandlers.set(action, [...(this.#reloadHandlers.get(action) ?? []), handler]);
  }

  #watchConfig() {
    if (this.#opts.watchConfig === false) return;
    this.#watcher ??= new ConfigFileWatcher({
      debounceMs: () => this.config().gateway?.reload?.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS,
      onChange: () => void this.reloadConfig("file"),
      onWarning: (m) => this.#log.warn(m),
    });
    this.#watcher.watch([this.configPath, ...this.#snapshot.includedPaths]);
  }

  /**
   * Reads the config file and applies what changed, per gateway.reload.mode. Calls are serialised;
   * an invalid file is skipped with one line and the running config stays.
   */
  reloadConfig(source: string): Promise<ReloadOutcome> {
    const next = this.#reloadChain.then(() => this.#reloadNow(source));
    this.#reloadChain = next.catch(() => undefined);
    return next.catch((err) => {
      this.#log.error(`config reload failed: ${(err as Error).message}`);
      return { kind: "skipped", reason: (err as Error).message } as ReloadOutcome;
    });
  }

  async #reloadNow(source: string): Promise<ReloadOutcome> {
    if (this.#state !== "running") return { kind: "skipped", reason: `gateway is ${this.#state}` };
    const next = await readConfigSnapshot(this.configPath, this.#env, { validationCache: true });
    if (!next.exists) {
      this.#log.warn(`config reload skipped: ${this.configPath} is missing; keeping the running config`);
      return { kind: "skipped", reason: "config file missing" };
    }
    if (!next.valid) {
      const first = next.issues[0]!;
      const more = next.issues.length > 1 ? ` (+${next.issues.length - 1} more)` : "";
      const where = first.path ? `${first.path}: ` : "";
      const reason = `${where}${first.message}${more}`;
      this.#log.error(`config reload skipped (invalid config): ${reason}`);
      return { kind: "skipped", reason };
    }
    // Includes may have changed: watch the new set.
    this.#watcher?.watch([this.configPath, ...next.includedPaths]);
    const prev = this.#snapshot;
    const paths = diffConfigPaths(prev.config, next.config);
    const mode = next.config.gateway?.reload?.mode ?? "hybrid";
    const decision = decide(mode, planReload(paths));
    if (decision.kind === "nothing") {
      this.#snapshot = next;
      return { kind: "unchanged" };
    }
    if (decision.kind === "disabled") {
      this.#log.info("config reload disabled (gateway.reload.mode=off)");
      return { kind: "disabled" };
    }
    // Secrets are resolved for the new config first; a ref that fails keeps everything as it is.
    const resolved = await this.secrets.resolve(next.config);
    if (!resolved.ok) {
      const reason = resolved.failures.map(formatSecretFailure).join("; ");
      this.#log.error(`config reload skipped (secrets): ${reason}`);
      return { kind: "skipped", reason };
    }
    let settings: StartupSettings;
    try {
      settings = await this.#resolveSettings(next, resolved.snapshot);
    } catch (err) {
      const reason = err instanceof StartupGuardError ? err.lines.join(" ") : (err as Error).message;
      this.#log.error(`config reload skipped (invalid config): ${reason}`);
      return { kind: "skipped", reason };
    }
    if (decision.kind === "restart" || (settings.auth.needsGeneratedToken && mode !== "hot")) {
      const why = decision.plan.restartPaths.length > 0 ? decision.plan.restartPaths : paths;
      this.#log.info(`config change (${source}) needs a restart: ${summarisePaths(why)}`);
      this.scheduleRestart(`config change: ${summarisePaths(why)}`, 0, { cooldownMs: 0 });
      return { kind: "restart", paths };
    }
    if (decision.skippedRestart.length > 0) {
      this.#log.warn(`config reload requires gateway restart; hot mode ignoring (${summarisePaths(decision.skippedRestart)})`);
    }
    await this.#applyHot(next, settings, decision.plan, resolved.snapshot);
    this.#log.info(`config reloaded (${source}): ${summarisePaths(paths)}`);
    if (paths.some((p) => p === "logging" || p.startsWith("logging."))) {
      this.#log.info("logging.* changes take effect at the next restart (openclaw gateway restart, or SIGUSR1)");
    }
    return { kind: "hot", paths, skippedRestart: decision.skippedRestart };
  }

  async #applyHot(next: ConfigSnapshot, settings: StartupSettings, plan: ReloadPlan, secrets: SecretsSnapshot) {
    const prev = { snapshot: this.#snapshot, settings: this.#settings };
    // What is bound at start (listener, bind, proxies) stays until a restart.
    const auth = settings.auth.needsGeneratedToken ? prev.settings.auth : settings.auth;
    this.#snapshot = next;
    this.#settings = { ...settings, port: prev.settings.port, bind: prev.settings.bind, auth };
    this.#reloadingHot = true;
    try {
      this.secrets.activate(secrets);
    } finally {
      this.#reloadingHot = false;
    }
    for (const [action, paths] of plan.hot) {
      if (action === "auth") this.#applyAuthChange(prev.settings.auth, auth);
      const handlers = [
        ...(this.#reloadHandlers.get(action) ?? []),
        ...(action.startsWith("channel:") ? (this.#reloadHandlers.get("channel:*") ?? []) : []),
      ];
      for (const handler of handlers) {
        try {
          await handler({ action, paths, previous: prev.snapshot.config, next: next.config });
        } catch (err) {
          this.#log.error(`hot reload of ${action} failed: ${(err as Error).message}`);
        }
      }
    }
  }

  /** A rotated shared secret closes the sockets that proved the old one (4001); device-token and proxy sockets stay. */
  #applyAuthChange(before: ResolvedAuth, after: ResolvedAuth) {
    if (JSON.stringify(before.rateLimit) !== JSON.stringify(after.rateLimit)) this.authLimiter = new AuthRateLimiter(after.rateLimit);
    if (sharedSecretKey(before) === sharedSecretKey(after)) return;
    let closed = 0;
    for (const conn of this.#connections) {
      if (conn.phase !== "open" || !reliesOnSharedSecret(conn.authMethod)) continue;
      closed++;
      // After the current reply is flushed (config.set may have been sent on this very socket).
      setImmediate(() => conn.ws.close(4001, Messages.authChanged));
    }
    this.#log.info(`gateway auth changed; closed ${closed} socket(s) that used the old secret`);
  }

  /** Every active SecretRef resolved, or a startup refusal (78) with one line per failing ref. */
  async #resolveSecrets(snapshot: ConfigSnapshot): Promise<SecretsSnapshot> {
    // An invalid config is refused by the startup guards with its own message.
    if (!snapshot.valid) return SecretsSnapshot.empty();
    const outcome = await this.secrets.resolve(snapshot.config);
    if (!outcome.ok) throw new StartupGuardError(outcome.failures.map(formatSecretFailure));
    return outcome.snapshot;
  }

  /**
   * A snapshot activated while running (`secrets.reload`, config reload): gateway auth is derived
   * again from the current config with the new values; sockets that used a rotated shared secret
   * are closed with 4001 on their next frame. A config reload that swaps the config should
   * activate secrets after the swap (or re-derive auth itself).
   */
  #onSecretsActivated(next: SecretsSnapshot) {
    // A hot config reload derives auth itself (and closes rotated sockets once).
    if (this.#state !== "running" || this.#reloadingHot) return;
    try {
      const { auth } = resolveStartupSettings(this.#snapshot, this.stateDir, this.#opts.cli ?? {}, this.#env, next);
      const changed = sharedSecretKey(auth) !== sharedSecretKey(this.#settings.auth);
      const before = this.#settings.auth;
      this.#settings.auth = auth;
      if (changed) this.#applyAuthChange(before, auth);
      this.#log.info(`secrets snapshot activated (${next.size} refs)${changed ? "; gateway auth secret changed" : ""}`);
    } catch (err) {
      const why = err instanceof StartupGuardError ? err.lines.join(" ") : (err as Error).message;
      this.#log.error(`secrets activated but gateway auth could not be derived from them, keeping the previous auth: ${why}`);
    }
  }

  #ensureLogger() {
    if (this.#logger) return;
    if (this.#opts.logger) this.#logger = this.#opts.logger;
    else {
      const l = this.config().logging ?? {};
      this.#logger = createLogger({
        ...(l.file ? { file: l.file } : {}),
        ...(l.level ? { level: l.level } : {}),
        ...(l.maxFileBytes ? { maxFileBytes: l.maxFileBytes } : {}),
        ...(l.consoleLevel ? { consoleLevel: l.consoleLevel } : {}),
        ...(l.consoleStyle ? { consoleStyle: l.consoleStyle } : {}),
        ...this.#opts.loggerOptions,
      });
    }
    this.#log = this.#logger.child("gateway");
    this.#wsLog = this.#log.child("ws");
  }

  async #generateToken() {
    const token = randomBytes(24).toString("hex");
    const base = (this.#snapshot.exists ? this.#snapshot.parsed : {}) as Record<string, unknown>;
    const next = setAtPath(base, "gateway.auth.token", token) as Record<string, unknown>;
    await this.writeConfig(next, "startup-auth");
    this.#settings.auth = { ...this.#settings.auth, token, tokenSource: "generated", needsGeneratedToken: false };
    this.#snapshot = await readConfigSnapshot(this.configPath, this.#env);
    this.#opts.onNotice?.(`Generated a gateway token and saved it to ${this.configPath} (gateway.auth.token):`);
    this.#opts.onNotice?.(`  ${token}`);
    this.#log.info(`generated gateway token (saved to gateway.auth.token in ${this.configPath})`);
  }

  async #listen(port: number) {
    const stages: HttpStage[] = [
      ...(this.#opts.httpStages ?? []).map((make) => make(this)),
      this.channels.httpStage(),
      ...builtinHttpStages(this),
      probesStage(this.#readinessSource()),
    ];
    const handler = createHttpHandler({
      stages: () => stages,
      describe: (req) => describeClient(req, this.#proxies),
      hsts: () => this.config().gateway?.http?.securityHeaders?.strictTransportSecurity,
      onError: (err, req) => this.#log.error(`http ${req.method} ${req.url} failed: ${(err as Error).stack ?? err}`),
    });
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
    const makeServer = () => {
      const httpOptions = { maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 };
      const tls = this.#tls;
      // TLS on the same port: one https server with the very same request and upgrade handlers.
      const server: Server = tls
        ? this.#https!.createServer({ ...httpOptions, key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca } : {}) }, handler)
        : http.createServer(httpOptions, handler);
      if (tls) server.on("tlsClientError", (err: Error) => this.#log.debug(`tls handshake failed: ${err.message}`));
      server.on("upgrade", (req, socket, head) => this.#onUpgrade(req, socket, head));
      server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
        if (!socket.writable) return socket.destroy(err);
        const status =
          err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large"
          : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout"
          : "400 Bad Request";
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      });
      return server;
    };
    const { host, aliases } = this.#settings.bind;
    const primary = makeServer();
    this.#servers = [primary];
    this.#port = await listenWithRetry(primary, host, port, {
      ...(this.#opts.listenRetries !== undefined ? { retries: this.#opts.listenRetries } : {}),
      ...(this.#opts.listenRetryDelayMs !== undefined ? { retryDelayMs: this.#opts.listenRetryDelayMs } : {}),
    });
    for (const alias of aliases) {
      const s = makeServer();
      if (await listenAlias(s, alias, this.#port)) this.#servers.push(s);
      else this.#log.warn(`could not also listen on ${alias}:${this.#port}; continuing on ${host} only`);
    }
  }

  #readinessSource() {
    return {
      readiness: () => this.readiness(),
      mayViewDetails: (req: IncomingMessage, isLocal: boolean) => {
        if (isLocal) return true;
        const ip = req.socket.remoteAddress ?? "";
        const auth = this.auth();
        const proxy = auth.mode === "trusted-proxy" ? { headers: req.headers, peer: ip, peerTrusted: this.isTrustedProxy(ip) } : undefined;
        return authorizeHttpBearer(auth, req.headers.authorization, ip, this.authLimiter, proxy).ok;
      },
    };
  }

  readiness() {
    const failing = this.channels.failing();
    const ready = this.#state === "running" && failing.length === 0;
    const h = this.#loopDelay;
    const elu = performance.eventLoopUtilization(this.#elu);
    const p99 = h ? h.percentile(99) / 1e6 : 0;
    const max = h ? h.max / 1e6 : 0;
    const degraded = p99 > 500;
    return {
      ready,
      failing,
      uptimeMs: Date.now() - this.startedAt,
      eventLoop: {
        degraded,
        reasons: degraded ? ["event-loop-delay"] : [],
        delayP99Ms: Math.round(p99 * 10) / 10,
        delayMaxMs: Math.round(max * 10) / 10,
        utilization: Math.round(elu.utilization * 1000) / 1000,
      },
    };
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const client = describeClient(req, this.#proxies);
    if (client.untrustedProxyHeaders) this.#wsLog.warn(`${Messages.proxyHeadersUntrusted} peer=${client.remoteAddress}`);
    if (this.#state !== "running" || !this.#wss) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nGateway websocket handlers unavailable");
      return;
    }
    const release = this.#preauth.acquire(client.remoteAddress);
    if (!release) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nToo many unauthenticated sockets");
      return;
    }
    socket.on("error", () => release());
    this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const conn = new WsConnection(ws, req, client.remoteAddress, client.isLocal, this.#connectionHost, release);
      this.#connections.add(conn);
      ws.once("close", () => this.#connections.delete(conn));
    });
  }

  readonly #connectionHost: ConnectionHost = ((gw: Gateway): ConnectionHost => ({
    services: gw,
    get log() {
      return gw.#wsLog;
    },
    settings: () => gw.#wsSettings(),
    authKey: () => sharedSecretKey(gw.auth()),
    buildHello: (conn, auth) => buildHello(gw, conn, auth as typeof auth & { ok: true }, gw.#wsSettings()),
    onReady: (conn) => gw.#onConnectionReady(conn),
    onClosed: (conn) => gw.#onConnectionClosed(conn),
  }))(this);

  #onConnectionReady(conn: WsConnection) {
    this.broadcaster.add(conn);
    if (conn.tracksPresence()) {
      const c = conn.client!;
      const key = conn.deviceId ?? c.instanceId ?? conn.id;
      const entry = {
        ip: conn.remoteAddress,
        version: c.version,
        platform: c.platform,
        mode: c.mode,
        reason: "connect",
        roles: [conn.role],
        scopes: [...conn.scopes],
        text: `${c.displayName ?? c.id} · ${c.platform} · ${c.mode}`,
        ts: Date.now(),
        ...(c.displayName ? { host: c.displayName } : {}),
        ...(c.deviceFamily ? { deviceFamily: c.deviceFamily } : {}),
        ...(c.modelIdentifier ? { modelIdentifier: c.modelIdentifier } : {}),
        ...(c.instanceId ? { instanceId: c.instanceId } : {}),
        ...(conn.deviceId ? { deviceId: conn.deviceId } : {}),
      };
      this.presence.upsert(key, entry);
      this.#broadcastPresence();
    }
    this.#wsLog.debug(`connected conn=${conn.id} client=${conn.client?.id} mode=${conn.client?.mode} v${conn.profile.version} role=${conn.role} scopes=${conn.scopes.length}`);
  }

  #onConnectionClosed(conn: WsConnection) {
    this.broadcaster.remove(conn.id);
    this.agents.sessionSubscribers.delete(conn.id);
    this.agents.toolEventRecipients.connectionClosed(conn.id);
    if (conn.tracksPresence()) {
      const key = conn.deviceId ?? conn.client?.instanceId ?? conn.id;
      if (this.presence.markDisconnected(key)) this.#broadcastPresence();
    }
  }

  isTrustedProxy(address: string): boolean {
    return this.#proxies.has(address);
  }

  /**
   * Closes a device's open sockets (after the current reply is flushed, so a caller closing its own
   * socket still gets its answer); returns how many.
   */
  closeDeviceConnections(deviceId: string, filter: DeviceConnectionFilter, code: number, reason: string): number {
    let closed = 0;
    for (const conn of this.#connections) {
      if (conn.phase !== "open" || conn.deviceId !== deviceId) continue;
      if (filter.role !== undefined && conn.role !== filter.role) continue;
      if (filter.deviceTokenOnly && conn.authMethod !== "device") continue;
      closed++;
      setImmediate(() => {
        try {
          conn.ws.close(code, reason);
        } catch {
          conn.ws.terminate();
        }
      });
    }
    return closed;
  }

  #broadcastPresence() {
    this.broadcaster.broadcast(
      "presence",
      { presence: this.presence.list() },
      { stateVersion: { presence: this.presence.version, health: this.health.version } },
    );
  }

  #startTimers() {
    const tickMs = this.#opts.tickIntervalMs ?? DEFAULT_TICK_MS;
    const healthMs = this.#opts.healthRefreshMs ?? DEFAULT_HEALTH_MS;
    this.#timers.push(setInterval(() => this.broadcaster.broadcast("tick", { ts: Date.now() }, { dropIfSlow: true }), tickMs));
    this.#timers.push(setInterval(() => void this.health.refresh().catch(() => {}), healthMs));
    this.#loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.#loopDelay.enable();
    this.#timers.push(setInterval(() => this.#loopDelay?.reset(), 60_000));
  }

  #stopTimers() {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#loopDelay?.disable();
    clearTimeout(this.#restartTimer);
    this.#restartPlan = undefined;
  }

  /**
   * Broadcasts shutdown, lets running agent runs and in-flight WS requests finish (bounded),
   * closes every socket with 1012, drains HTTP and stops listening.
   */
  async #closeAll(reason: string, restartExpectedMs: number | null, runGraceMs: number) {
    this.#state = "stopping";
    this.broadcaster.broadcast("shutdown", { reason, restartExpectedMs });
    const open = [...this.#connections].filter((c) => c.phase === "open");
    for (const conn of open) conn.startDraining();
    if (restartExpectedMs === null) {
      // Stopping: running agent runs finish (their final events still reach clients) or are aborted.
      await this.agents.engine.shutdown(runGraceMs);
    } else {
      // Restarting in process: the engine outlives the restart, so runs are waited for (their
      // final events reach the clients) but never aborted, and queued runs stay queued.
      await this.agents.engine.whenIdle(runGraceMs);
    }
    if (open.some((c) => c.pendingCount > 0)) {
      const drainMs = this.#opts.drainTimeoutMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open.map((c) => c.whenIdle())),
        new Promise<void>((r) => (timer = setTimeout(r, drainMs))),
      ]);
      clearTimeout(timer);
    }
    for (const conn of this.#connections) {
      if (conn.phase === "open") conn.closeForRestart();
      else conn.ws.terminate();
    }
    await this.#closeServers();
    for (const conn of this.#connections) conn.ws.terminate();
    this.#connections.clear();
  }

  async #closeServers() {
    const drainMs = this.#opts.drainTimeoutMs ?? 5000;
    const servers = this.#servers;
    this.#servers = [];
    const cut = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), drainMs);
    for (const s of servers) s.closeIdleConnections();
    await Promise.all(servers.map((s) => closeServer(s)));
    clearTimeout(cut);
    this.#wss?.close();
    this.#wss = undefined;
  }

  async stop(reason = "gateway stopping"): Promise<void> {
    if (this.#state === "stopped" || this.#state === "idle" || this.#state === "stopping") return;
    this.#state = "stopping";
    this.#stopTimers();
    this.#watcher?.close();
    this.#watcher = undefined;
    this.automation.stop();
    this.#log.info(`stopping: ${reason}`);
    await this.channels.stop();
    await this.#closeAll(reason, null, this.#opts.drainTimeoutMs ?? 5000);
    await this.automation.idle();
    await this.agents.sessions.flush();
    await this.#lock?.release();
    this.#lock = undefined;
    this.#state = "stopped";
    await this.#logger?.flush();
    if (!this.#opts.logger) await this.#logger?.close();
    this.#resolveStopped?.();
  }

  /** In-process restart on the same port: reload config; an invalid one keeps the current. */
  async restart(reason = "gateway restarting"): Promise<void> {
    if (this.#state !== "running") return;
    this.#lastRestartAt = Date.now();
    this.#state = "stopping";
    this.#stopTimers();
    this.automation.stop();
    this.#log.info(`restarting: ${reason}`);
    await this.channels.stop();
    await this.#closeAll("gateway restarting", 1500, this.#restartRunGraceMs());
    await this.automation.idle();
    await this.agents.sessions.flush();
    const previous = { snapshot: this.#snapshot, settings: this.#settings, tls: this.#tls };
    try {
      await this.#loadAndResolve();
      if (this.#settings.auth.needsGeneratedToken) await this.#generateToken();
      this.#announceTls();
    } catch (err) {
      const why = err instanceof StartupGuardError ? err.lines.join(" ") : (err as Error).message;
      this.#log.error(`restart: new config rejected, keeping the running one: ${why}`);
      this.#snapshot = previous.snapshot;
      this.#settings = previous.settings;
      this.#tls = previous.tls;
    }
    try {
      await this.#listen(this.#port);
    } catch (err) {
      this.#state = "stopped";
      await this.#lock?.release();
      this.#resolveStopped?.();
      throw err instanceof GatewayLockError ? err : new Error(`restart could not listen again: ${(err as Error).message}`);
    }
    this.#startTimers();
    this.#state = "running";
    // Cron and heartbeat arm in the background a moment later, so the first clients' handshakes do
    // not share the CPU with the cron store (cron methods wait for it); startup does not.
    void this.automation.start({ delayMs: AUTOMATION_START_DELAY_MS });
    this.#startChannels();
    this.#watchConfig();
    void this.health.refresh();
    this.#log.info(`restarted on ${this.url}`);
  }
}

export function createGateway(opts: GatewayOptions): Gateway {
  return new Gateway(opts);
}

function summarisePaths(paths: string[]): string {
  return paths.length <= 6 ? paths.join(", ") : `${paths.slice(0, 6).join(", ")} (+${paths.length - 6} more)`;
}
