// `openclaw gateway status`: what this machine says about its gateway (config, bind, port, lock,
// log file) plus an RPC probe. Gathering and rendering are separate so the output is unit-tested.
import type { ConfigIssue } from "../../config/errors.js";
import { getAtPath } from "../../config/dotpath.js";
import { resolveGatewayLockPath, resolveStateDir } from "../../config/paths.js";
import { liveLockHolder, readGatewayLock } from "../../gateway/lock.js";
import type { HelloOk } from "../../protocol/frames.js";
import type { ConfigTree } from "../config-tree.js";
import type { GatewayTarget, LocalGateway } from "../connection.js";
import { formatDuration, printJson, printLines } from "../format.js";
import { resolveCliLogFile } from "../log-file.js";
import { GatewayCallError, connectGateway, describeGatewayFailure, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

import { normalizeControlUiBasePath } from "../../gateway/http/control-ui-paths.js";
import { readCertificateInfo, resolveTlsPaths, type TlsConfig } from "../../gateway/tls/certificate-info.js";
import type { ServiceReport } from "../../service/actions.js";
import type { DeepScan } from "../../service/deep-scan.js";

export interface GatewayStatusFlags extends RpcFlags {
  port?: string;
  json?: boolean;
  probe?: boolean;
  deep?: boolean;
  requireRpc?: boolean;
  system?: boolean;
  unitDir?: string;
}

/** What the status knows about the supervised service (systemd / launchd), when there is one. */
export interface ServiceStatusView {
  label: string;
  loaded: boolean;
  loadedText: string;
  notLoadedText: string;
  manager?: string;
  scope?: string;
  unitPath?: string;
  installed?: boolean;
  state?: string;
  detail?: string;
  pid?: number;
  unavailableReason?: string;
}

/** The `--json` shape: the reference's DaemonStatus (plus `deep` with --deep). */
export interface GatewayStatusReport {
  service: ServiceStatusView;
  config: { cli: { path: string; exists: boolean; valid: boolean; issues?: ConfigIssue[] } };
  gateway: { bindMode: string; bindHost: string; port: number; portSource: string; probeUrl: string; probeNote?: string; tls?: TlsStatus };
  rpc?: { ok: boolean; error?: string; url: string };
  health: { healthy: boolean; staleGatewayPids: number[] };
  runtime?: { status: "running" | "stopped" | "unknown"; pid?: number; port?: number; uptimeMs?: number };
  extraServices: { label: string; detail: string; scope: string }[];
  deep?: Omit<DeepScan, "extraServices">;
  dashboard?: string;
  logFile: string;
}

/** Ours: gateway.tls as this machine sees it (the certificate file, read directly). */
export interface TlsStatus {
  enabled: true;
  certPath: string;
  /** SHA-256 fingerprint `AB:CD:...`: the value for gateway.remote.tlsFingerprint on clients. */
  fingerprintSha256?: string;
  validTo?: string;
  error?: string;
}

/** Reads the local certificate file: no server code, no handshake. */
export function readTlsStatus(config: unknown, where: { stateDir: string; configPath: string; env: NodeJS.ProcessEnv }): TlsStatus | undefined {
  const paths = resolveTlsPaths(getAtPath(config, "gateway.tls") as TlsConfig | undefined, where);
  if (!paths) return undefined;
  const status: TlsStatus = { enabled: true, certPath: paths.certPath };
  try {
    const info = readCertificateInfo(paths.certPath);
    if (!info) status.error = paths.autoGenerate ? "not created yet (the gateway creates it on start)" : "file not found";
    else Object.assign(status, { fingerprintSha256: info.fingerprint, validTo: info.validTo.toISOString() });
  } catch (err) {
    status.error = (err as Error).message;
  }
  return status;
}

/** The config as the running gateway read it just now (RPC `config.get`). */
export interface GatewayConfigView {
  path: string;
  exists: boolean;
  valid: boolean;
  issues: ConfigIssue[];
}

export interface ProbeResult {
  ok: boolean;
  method?: "status" | "health";
  error?: string;
  hello?: HelloOk;
  config?: GatewayConfigView;
}

function isMissingScope(err: unknown): boolean {
  if (!(err instanceof GatewayCallError) || err.kind !== "rpc") return false;
  return err.shape?.code === "FORBIDDEN" || /missing scope/i.test(err.shape?.message ?? "");
}

function asConfigView(payload: unknown): GatewayConfigView | undefined {
  const p = payload as Partial<GatewayConfigView> | undefined;
  if (typeof p?.path !== "string" || typeof p.exists !== "boolean" || typeof p.valid !== "boolean") return undefined;
  return { path: p.path, exists: p.exists, valid: p.valid, issues: Array.isArray(p.issues) ? p.issues : [] };
}

/**
 * RPC `status`, falling back to `health` (always allowed) when the connection lacks the read
 * scope. On success it also asks for `config.get`, so a healthy status needs no local validator.
 */
export async function probeGateway(target: GatewayTarget): Promise<ProbeResult> {
  let client;
  try {
    client = await connectGateway(target);
  } catch (err) {
    return { ok: false, error: describeGatewayFailure(err, { method: "connect", target }).reason };
  }
  try {
    let result: ProbeResult | undefined;
    for (const method of ["status", "health"] as const) {
      try {
        await client.request(method, {}, { timeoutMs: target.timeoutMs });
        result = { ok: true, method, hello: client.hello };
        break;
      } catch (err) {
        const failure = describeGatewayFailure(err, { method, target });
        if (method === "status" && isMissingScope(failure)) continue;
        return { ok: false, method, error: failure.reason, hello: client.hello };
      }
    }
    if (!result) return { ok: false, error: "no probe method answered" };
    if (result.method === "status") {
      const view = await client.request("config.get", {}, { timeoutMs: target.timeoutMs }).then(asConfigView, () => undefined);
      if (view) result.config = view;
    }
    return result;
  } finally {
    await client.close();
  }
}

async function judgeConfig(tree: ConfigTree, fromGateway: GatewayConfigView | undefined): Promise<GatewayStatusReport["config"]["cli"]> {
  const base = { path: tree.path, exists: tree.exists };
  if (!tree.exists) return { ...base, valid: true };
  if (tree.resolved === undefined) return { ...base, valid: false, issues: tree.issues };
  // The gateway just validated this very file; only without its answer is the local validator
  // (ajv + the TypeBox schema, the one heavy import of this command) loaded.
  if (fromGateway && fromGateway.path === tree.path && fromGateway.exists) {
    return fromGateway.valid ? { ...base, valid: true } : { ...base, valid: false, issues: fromGateway.issues };
  }
  const { validateConfig } = await import("../../config/validate.js");
  const issues = validateConfig(tree.resolved, tree.path);
  return issues.length > 0 ? { ...base, valid: false, issues } : { ...base, valid: true };
}

function dashboardUrl(config: unknown, local: LocalGateway): string | undefined {
  const scheme = local.tls ? "https" : "http";
  if (getAtPath(config, "gateway.controlUi.enabled") === false) return undefined;
  const raw = getAtPath(config, "gateway.controlUi.basePath");
  const base = `${normalizeControlUiBasePath(typeof raw === "string" ? raw : undefined)}/`;
  const host = local.probeHost.includes(":") ? `[${local.probeHost}]` : local.probeHost;
  return `${scheme}://${host}:${local.port}${base}`;
}

export interface GatherInput {
  tree: ConfigTree;
  cli: GatewayStatusReport["config"]["cli"];
  local: LocalGateway;
  target: GatewayTarget;
  lock: { pid: number; createdAt?: string; port?: number } | null;
  probe?: ProbeResult;
  tls?: TlsStatus;
  service?: ServiceReport;
  deep?: DeepScan;
  now?: number;
}

const UNHEALTHY_SERVICE_STATES = new Set(["crash-looping", "start-limited", "config-error", "failed"]);

function serviceView(service: ServiceReport | undefined): ServiceStatusView {
  const none = { label: "none", loaded: false, loadedText: "installed", notLoadedText: "not installed; started by hand" };
  if (!service || (!service.installed && (service.state === undefined || service.state === "not-loaded"))) return none;
  const where = `${service.manager} ${service.scope}`;
  const view: ServiceStatusView = {
    label: service.name,
    loaded: service.available && service.state !== undefined && service.state !== "not-loaded",
    loadedText: `${where}: ${service.detail ?? service.state ?? "loaded"}`,
    notLoadedText: service.available
      ? `${where}: installed, not loaded${service.detail ? ` (${service.detail})` : ""}`
      : `${where}: installed; ${service.manager} not available here (${service.unavailableReason ?? "unknown"})`,
    manager: service.manager,
    scope: service.scope,
    unitPath: service.unitPath,
    installed: service.installed,
  };
  if (service.state) view.state = service.state;
  if (service.detail) view.detail = service.detail;
  if (service.pid !== undefined) view.pid = service.pid;
  if (service.unavailableReason) view.unavailableReason = service.unavailableReason;
  return view;
}

/** Assembles the report from what was gathered (pure). */
export function buildGatewayStatus(input: GatherInput): GatewayStatusReport {
  const { local, target, lock, probe, cli } = input;
  const now = input.now ?? Date.now();
  const config = input.tree.resolved ?? {};

  const gateway: GatewayStatusReport["gateway"] = {
    bindMode: local.bindMode,
    bindHost: local.bindHost,
    port: local.port,
    portSource: local.source,
    probeUrl: target.url,
  };
  if (local.bindError) gateway.probeNote = local.bindError;
  if (input.tls) gateway.tls = input.tls;

  let rpc: GatewayStatusReport["rpc"];
  if (probe) {
    rpc = { ok: probe.ok, url: target.url };
    if (probe.error) rpc.error = probe.error;
  }

  let runtime: NonNullable<GatewayStatusReport["runtime"]>;
  const uptimeFromProbe = probe?.ok ? probe.hello?.snapshot.uptimeMs : undefined;
  if (lock && !target.explicitUrl) {
    runtime = { status: "running", pid: lock.pid };
    if (lock.port !== undefined && lock.port !== local.port) runtime.port = lock.port;
    const created = lock.createdAt ? Date.parse(lock.createdAt) : Number.NaN;
    const uptime = uptimeFromProbe ?? (Number.isFinite(created) ? now - created : undefined);
    if (uptime !== undefined) runtime.uptimeMs = uptime;
  } else if (probe?.ok) {
    runtime = uptimeFromProbe === undefined ? { status: "running" } : { status: "running", uptimeMs: uptimeFromProbe };
  } else {
    // With --url the local lock says nothing about the remote gateway.
    runtime = { status: target.explicitUrl ? "unknown" : "stopped" };
  }

  const service = serviceView(input.service);
  const serviceBroken = service.state !== undefined && UNHEALTHY_SERVICE_STATES.has(service.state);
  const report: GatewayStatusReport = {
    service,
    config: { cli },
    gateway,
    ...(rpc ? { rpc } : {}),
    health: { healthy: runtime.status === "running" && (probe ? probe.ok : true) && !serviceBroken, staleGatewayPids: [] },
    runtime,
    extraServices: input.deep?.extraServices ?? [],
    logFile: resolveCliLogFile(config),
  };
  if (input.deep) {
    const { processes, locks, listeners } = input.deep;
    report.deep = { processes, locks, listeners };
    // Gateway processes no lock and no service account for: orphans left by an unclean stop.
    const accounted = new Set([...locks.filter((l) => l.alive).map((l) => l.pid), ...(service.pid !== undefined ? [service.pid] : [])]);
    report.health.staleGatewayPids = processes.map((p) => p.pid).filter((pid) => !accounted.has(pid));
  }
  const dashboard = dashboardUrl(config, local);
  if (dashboard) report.dashboard = dashboard;
  return report;
}

function describeConfig(cli: GatewayStatusReport["config"]["cli"]): string {
  if (!cli.exists) return "missing";
  if (cli.valid) return "valid";
  const first = cli.issues?.[0];
  if (!first) return "invalid";
  const where = first.file === cli.path ? "" : `${first.file}: `;
  return `invalid: ${where}${first.path === "" ? "" : `${first.path}: `}${first.message}`;
}

/** Human output, one item per line. */
export function renderGatewayStatus(report: GatewayStatusReport, opts: { deep?: boolean } = {}): string[] {
  const { service, gateway, runtime, rpc } = report;
  const lines = [
    `Service: ${service.label} (${service.loaded ? service.loadedText : service.notLoadedText})`,
    ...(service.unitPath ? [`Service file: ${service.unitPath}`] : []),
    `File logs: ${report.logFile}`,
    `Config (cli): ${report.config.cli.path} (${describeConfig(report.config.cli)})`,
    `Gateway: bind=${gateway.bindMode} (${gateway.bindHost}), port=${gateway.port} (${gateway.portSource})`,
  ];
  if (gateway.probeNote) lines.push(`Bind problem: ${gateway.probeNote}`);
  if (gateway.tls) {
    const t = gateway.tls;
    lines.push(
      t.fingerprintSha256
        ? `TLS: on, SHA-256 fingerprint ${t.fingerprintSha256} (${t.certPath}${t.validTo ? `, valid until ${t.validTo.slice(0, 10)}` : ""})`
        : `TLS: on, certificate ${t.certPath}: ${t.error ?? "unreadable"}`,
    );
  }
  lines.push(`Probe target: ${gateway.probeUrl}`);
  lines.push(`Dashboard: ${report.dashboard ?? "disabled (gateway.controlUi.enabled=false)"}`);
  if (!runtime || runtime.status !== "running") lines.push(`Runtime: ${runtime?.status ?? "unknown"}`);
  else {
    const parts: string[] = [];
    if (runtime.pid !== undefined) parts.push(`pid ${runtime.pid}`);
    if (runtime.port !== undefined) parts.push(`port ${runtime.port}`);
    if (runtime.uptimeMs !== undefined) parts.push(`uptime ${formatDuration(runtime.uptimeMs)}`);
    lines.push(`Runtime: running${parts.length ? ` (${parts.join(", ")})` : ""}`);
  }
  if (!rpc) lines.push("RPC probe: skipped (--no-probe)");
  else lines.push(rpc.ok ? "RPC probe: ok" : `RPC probe: failed (${rpc.error ?? "unknown error"})`);
  if (opts.deep) lines.push(...renderDeep(report));
  return lines;
}

function renderDeep(report: GatewayStatusReport): string[] {
  const lines: string[] = [];
  if (report.extraServices.length === 0) lines.push("Other gateway-like services: none detected");
  else {
    lines.push("Other gateway-like services detected (best effort):");
    for (const s of report.extraServices) lines.push(`  ${s.label} (${s.scope}): ${s.detail}`);
  }
  const deep = report.deep;
  if (!deep) return lines;
  if (deep.processes.length === 0) lines.push("Gateway processes: none found");
  else {
    lines.push("Gateway processes:");
    for (const p of deep.processes) lines.push(`  pid ${p.pid}: ${p.command}`);
  }
  if (deep.locks.length === 0) lines.push("Gateway locks: none");
  else {
    lines.push("Gateway locks:");
    for (const l of deep.locks) {
      const port = l.port !== undefined ? `, port ${l.port}` : "";
      lines.push(`  pid ${l.pid} (${l.alive ? "alive" : "dead: stale"}${port}) ${l.configPath ?? "?"} [${l.path}]`);
    }
  }
  const port = report.gateway.port;
  if (deep.listeners.length === 0) lines.push(`Listening on port ${port}: nobody`);
  else {
    lines.push(`Listening on port ${port}:`);
    for (const l of deep.listeners) {
      const host = l.address.includes(":") ? `[${l.address}]` : l.address;
      lines.push(`  ${host}:${l.port} ${l.pid !== undefined ? `pid ${l.pid}${l.command ? ` (${l.command})` : ""}` : "pid unknown (not permitted)"}`);
    }
  }
  return lines;
}

/** The service's state, or undefined where service management does not apply (other platforms). */
async function gatherService(flags: GatewayStatusFlags, env: NodeJS.ProcessEnv): Promise<ServiceReport | undefined> {
  try {
    const { createBackend, serviceStatus } = await import("../../service/actions.js");
    const report = await serviceStatus(createBackend({ ...(flags.system ? { system: true } : {}), ...(flags.unitDir ? { unitDir: flags.unitDir } : {}) }, env));
    // No user service: an always-on host may have the system one (one more stat).
    if (!report.installed && !flags.system && !flags.unitDir && !env.OPENCLAW_SERVICE_DIR?.trim()) {
      const system = await serviceStatus(createBackend({ system: true }, env));
      if (system.installed) return system;
    }
    return report;
  } catch {
    return undefined;
  }
}

export async function runGatewayStatus(flags: GatewayStatusFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Config problems are shown in the Config line, so no separate warning.
  const prepared = await prepareGatewayTarget(flags, env, { readConfig: true, warn: () => {} });
  const tree = prepared.tree as ConfigTree;
  const local = prepared.local as LocalGateway;
  const [lock, probe, service] = await Promise.all([
    readGatewayLock(resolveGatewayLockPath(prepared.configPath)).then((payload) => liveLockHolder(payload)),
    flags.probe === false ? undefined : probeGateway(prepared.target),
    gatherService(flags, env),
  ]);
  const deep = flags.deep
    ? await import("../../service/deep-scan.js").then((m) => m.scanDeep({ port: local.port, env, ...(service ? { ownServiceFile: service.unitPath } : {}) }))
    : undefined;
  const cli = await judgeConfig(tree, prepared.target.explicitUrl ? undefined : probe?.config);
  const tls = readTlsStatus(tree.resolved ?? {}, { stateDir: resolveStateDir(env), configPath: prepared.configPath, env });
  const report = buildGatewayStatus({
    tree, cli, local, target: prepared.target, lock,
    ...(probe ? { probe } : {}), ...(tls ? { tls } : {}), ...(service ? { service } : {}), ...(deep ? { deep } : {}),
  });
  if (flags.json) printJson(report);
  else printLines(renderGatewayStatus(report, { deep: flags.deep ?? false }));
  if (!probe || probe.ok) return 0;
  return flags.requireRpc ? 1 : 0;
}
