// The Gateway object: owns config, auth, logger, HTTP + WS servers, registry, broadcaster,
// presence and health. start/stop/restart is the whole lifecycle; no module-level state, so a
// test can run two gateways in one process.
import { randomBytes, randomUUID } from "node:crypto";
import http, { type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import { WebSocketServer, type WebSocket } from "ws";
import { VERSION } from "../version.js";
import { GatewayLockError, StartupGuardError } from "../errors.js";
import { readConfigSnapshot, type ConfigSnapshot } from "../config/load.js";
import type { OpenClawConfig } from "../config/schema.js";
import { ConfigWriter, writeConfigFile } from "../config/write.js";
import { setAtPath } from "../config/dotpath.js";
import { resolveGatewayLockPath } from "../config/paths.js";
import { createLogger, type GatewayLogger, type LoggerOptions, type SubsystemLogger } from "../logging/logger.js";
import { AuthRateLimiter } from "./auth/rate-limit.js";
import { sharedSecretKey, type ResolvedAuth } from "./auth/resolve-auth.js";
import { authorizeHttpBearer } from "./auth/authorize.js";
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
import { cronMethods } from "./methods/cron.js";
import { heartbeatMethods } from "./methods/heartbeat.js";
import { Automation } from "../automation/automation.js";
import { resolveHeartbeat } from "../automation/heartbeat-config.js";
import { RunEngine } from "../agents/engine/engine.js";
import { DedupeCache } from "../agents/engine/dedupe.js";
import { SessionStore } from "../agents/sessions/store.js";
import { attachWsEvents } from "../agents/views/ws-events.js";
import type { AgentRuntime, DedupeEntry } from "./agent-runtime.js";
import { PresenceRegistry } from "./presence.js";
import type { ConfigWriteResult, DeviceConnectionFilter, GatewayServices, RestartPlan } from "./services.js";
import { resolveStartupSettings, type StartupCliOptions, type StartupSettings } from "./startup.js";
import { describeClient, TrustedProxies } from "./client-address.js";
import { Broadcaster } from "./ws/broadcast.js";
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, WsConnection, type ConnectionHost, type WsSettings } from "./ws/connection.js";
import { PreauthBudget } from "./ws/preauth-budget.js";

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
  /** Called with human-facing startup lines (the CLI prints them). */
  onNotice?: (line: string) => void;
}

const DEFAULT_TICK_MS = 30_000;
const DEFAULT_HEALTH_MS = 60_000;
const DEFAULT_HANDSHAKE_MS = 15_000;
const RESTART_COOLDOWN_MS = 30_000;

export class Gateway implements GatewayServices {
  readonly version = VERSION;
  readonly bootId = randomUUID();
  readonly configPath: string;
  readonly stateDir: string;
  readonly methods = new MethodRegistry();
  readonly controlPlaneLimiter = new ControlPlaneRateLimiter();
  readonly devices: DeviceStore;
  readonly broadcaster: Broadcaster;
  readonly presence: PresenceRegistry;
  readonly health: HealthMonitor;
  readonly agents: AgentRuntime;
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

  constructor(opts: GatewayOptions) {
    this.#opts = opts;
    this.#env = opts.env ?? process.env;
    this.configPath = opts.configPath;
    this.stateDir = opts.stateDir;
    this.devices = new DeviceStore(opts.stateDir);
    this.broadcaster = new Broadcaster(MAX_BUFFERED_BYTES, (peer) => this.#wsLog?.warn(`slow consumer conn=${peer.id}; closing`));
    this.presence = new PresenceRegistry(PresenceRegistry.gatewaySelf(VERSION, this.bootId, undefined, Date.now()));
    this.health = new HealthMonitor(
      { stateDir: opts.stateDir, agents: () => this.#agents(), heartbeatEveryMs: (agentId) => (this.#snapshot ? resolveHeartbeat(this.config(), agentId).everyMs : 30 * 60_000) },
      (summary, version) => this.broadcaster.broadcast("health", summary, { stateVersion: { presence: this.presence.version, health: version } }),
    );
    this.agents = this.#createAgentRuntime();
    this.automation = new Automation({
      stateDir: this.stateDir,
      env: this.#env,
      config: () => this.config(),
      engine: this.agents.engine,
      defaultAgentId: () => this.sessionDefaults().defaultAgentId,
      mainKey: () => this.sessionDefaults().mainKey,
      channels: () => (this as GatewayServices).channels,
      log: () => this.#logger!.child("automation"),
      broadcast: (event, payload) => this.broadcaster.broadcast(event, payload),
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
    });
    engine.onRun((run) => attachWsEvents(run, this.broadcaster));
    const sessionSubscribers = new Set<string>();
    return {
      engine,
      sessions,
      dedupe: new DedupeCache<DedupeEntry>(),
      sessionSubscribers,
      sessionsChanged: (sessionKey, reason, extra = {}) => {
        if (sessionSubscribers.size === 0) return;
        this.broadcaster.broadcast("sessions.changed", { sessionKey, reason, ts: Date.now(), ...extra }, { targets: sessionSubscribers });
      },
    };
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    const host = this.#settings?.bind.host ?? "127.0.0.1";
    return `ws://${host.includes(":") ? `[${host}]` : host}:${this.#port}`;
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

  scheduleRestart(reason: string, delayMs: number): RestartPlan {
    if (this.#restartPlan) return { ...this.#restartPlan, coalesced: true };
    const sinceLast = Date.now() - this.#lastRestartAt;
    const wait = Math.max(delayMs, this.#lastRestartAt ? RESTART_COOLDOWN_MS - sinceLast : 0);
    this.#restartPlan = { scheduled: true, delayMs: wait, reason, coalesced: false };
    this.#restartTimer = setTimeout(() => {
      this.#restartPlan = undefined;
      void this.restart(reason).catch((err) => this.#log.error(`restart failed: ${(err as Error).message}`));
    }, wait);
    return this.#restartPlan;
  }

  /** How long a restart waits for running agent runs (gateway.reload.deferralTimeoutMs). */
  #restartRunGraceMs(): number {
    return this.config().gateway?.reload?.deferralTimeoutMs ?? this.#opts.drainTimeoutMs ?? 30_000;
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
    try {
      await this.#loadAndResolve();
      this.#ensureLogger();
      if (this.#settings.auth.needsGeneratedToken) await this.#generateToken();
      for (const w of this.#settings.warnings) this.#log.warn(w);
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
    await this.automation.start();
    this.#state = "running";
    void this.health.refresh();
    this.#log.info(`listening on ${this.url} (PID ${process.pid})`);
    this.#log.info(`log file: ${this.logFile()}`);
    this.#log.info(`ready (${((performance.now() - t0) / 1000).toFixed(2)}s)`);
  }

  async #loadAndResolve(): Promise<void> {
    const snapshot = await readConfigSnapshot(this.configPath, this.#env, { validationCache: true });
    const settings = resolveStartupSettings(snapshot, this.stateDir, this.#opts.cli ?? {}, this.#env);
    if (snapshot.config.hooks?.enabled) {
      // Hooks code loads only for gateways that use hooks; a bad hooks config refuses to start (78).
      const { validateHooksConfig } = await import("./http/hooks/settings.js");
      const problem = validateHooksConfig(snapshot.config, settings.auth, { env: this.#env, configPath: snapshot.path });
      if (problem) throw new StartupGuardError([problem]);
    }
    this.#snapshot = snapshot;
    this.#settings = settings;
    this.authLimiter = new AuthRateLimiter(settings.auth.rateLimit);
    this.#proxies = new TrustedProxies(snapshot.config.gateway?.trustedProxies ?? []);
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
      const server = http.createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 }, handler);
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
        return authorizeHttpBearer(this.auth(), req.headers.authorization, ip, this.authLimiter).ok;
      },
    };
  }

  readiness() {
    const ready = this.#state === "running";
    const h = this.#loopDelay;
    const elu = performance.eventLoopUtilization(this.#elu);
    const p99 = h ? h.percentile(99) / 1e6 : 0;
    const max = h ? h.max / 1e6 : 0;
    const degraded = p99 > 500;
    return {
      ready,
      failing: [] as string[],
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
    if (conn.tracksPresence()) {
      const key = conn.deviceId ?? conn.client?.instanceId ?? conn.id;
      if (this.presence.markDisconnected(key)) this.#broadcastPresence();
    }
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
    // Running agent runs finish (their final events still reach clients) or are aborted.
    await this.agents.engine.shutdown(runGraceMs);
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
    this.automation.stop();
    this.#log.info(`stopping: ${reason}`);
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
    await this.#closeAll("gateway restarting", 1500, this.#restartRunGraceMs());
    await this.automation.idle();
    await this.agents.sessions.flush();
    this.agents.engine.resume();
    const previous = { snapshot: this.#snapshot, settings: this.#settings };
    try {
      await this.#loadAndResolve();
      if (this.#settings.auth.needsGeneratedToken) await this.#generateToken();
    } catch (err) {
      const why = err instanceof StartupGuardError ? err.lines.join(" ") : (err as Error).message;
      this.#log.error(`restart: new config rejected, keeping the running one: ${why}`);
      this.#snapshot = previous.snapshot;
      this.#settings = previous.settings;
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
    await this.automation.start();
    this.#state = "running";
    void this.health.refresh();
    this.#log.info(`restarted on ${this.url}`);
  }
}

export function createGateway(opts: GatewayOptions): Gateway {
  return new Gateway(opts);
}
