// The shape every service manager backend has, and the one rule both share: an action that starts
// the gateway is only "ok" once the manager says it runs AND the gateway holds its lock with a
// bound port (so a process that is up but crashing, or blocked by another gateway, is caught).
import { resolveGatewayLockPath } from "../config/paths.js";
import { liveLockHolder, readGatewayLock, type GatewayLockPayload } from "../gateway/lock.js";
import type { ServiceContext } from "./context.js";
import type { RunResult } from "./runner.js";
import type { ServiceState, UnitRuntime } from "./systemd-status.js";

export type ServiceAction = "install" | "uninstall" | "start" | "stop" | "restart" | "status";

export interface Availability {
  available: boolean;
  /** Why not, in a few words (shown after "systemd is not available here"). */
  reason?: string;
}

export interface ServiceBackend {
  readonly ctx: ServiceContext;
  /** `systemd (user)`, `launchd (system)`... */
  readonly title: string;
  render(opts: { port?: number; token?: string; runAs?: string }): string;
  availability(): Promise<Availability>;
  /** The exact commands a person runs by hand for `action`. */
  manualCommands(action: ServiceAction): string[];
  /** Activates an installed file (reload + enable + start). */
  activate(): Promise<RunResult[]>;
  deactivate(): Promise<RunResult[]>;
  /** After the file is removed (systemd: daemon-reload). */
  afterRemove?(): Promise<RunResult[]>;
  start(): Promise<RunResult[]>;
  stop(): Promise<RunResult[]>;
  restart(): Promise<RunResult[]>;
  runtime(): Promise<UnitRuntime>;
}

/** States in which waiting longer will not help. */
const TERMINAL: ReadonlySet<ServiceState> = new Set(["start-limited", "config-error", "failed", "not-loaded", "crash-looping", "stopped"]);

/** The live holder of a config's lock (not a reused pid), or null. */
export async function lockHolder(configPath: string): Promise<GatewayLockPayload | null> {
  return liveLockHolder(await readGatewayLock(resolveGatewayLockPath(configPath)));
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  /**
   * Only for gateways that take no lock (OPENCLAW_ALLOW_MULTI_GATEWAY=1): running this long counts
   * as up. Without it, only the lock proves the gateway bound its port.
   */
  settleMs?: number;
  holder?: () => Promise<GatewayLockPayload | null>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WaitResult {
  ok: boolean;
  runtime: UnitRuntime;
  /** The port the gateway bound (from its lock). */
  port?: number;
  /** One line: why it is not running. */
  reason?: string;
}

/**
 * Polls the manager until the gateway is up (running, and its lock names the service's main pid
 * with a bound port), a terminal failure shows, or the timeout passes.
 */
export async function waitForGateway(runtime: () => Promise<UnitRuntime>, opts: WaitOptions = {}): Promise<WaitResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const pollMs = opts.pollMs ?? 250;
  const settleMs = opts.settleMs;
  const start = now();
  let runningSince: number | undefined;
  let rt: UnitRuntime;
  let holder: GatewayLockPayload | null = null;
  // A start that is still "activating" on the first look is normal; give it at least one poll.
  let polls = 0;
  for (;;) {
    rt = await runtime();
    holder = opts.holder ? await opts.holder() : null;
    polls++;
    if (rt.state === "running") {
      runningSince ??= now();
      if (holder && (rt.mainPid === undefined || holder.pid === rt.mainPid) && holder.port !== undefined) {
        return { ok: true, runtime: rt, port: holder.port };
      }
      if (!holder && settleMs !== undefined && now() - runningSince >= settleMs) return { ok: true, runtime: rt };
    } else {
      runningSince = undefined;
      if (TERMINAL.has(rt.state) && polls > 1) break;
    }
    if (now() - start >= timeoutMs) break;
    await sleep(pollMs);
  }
  let reason = rt.detail;
  if (holder && rt.mainPid !== holder.pid) {
    reason += `; another gateway (pid ${holder.pid}) holds the lock for this config: stop it first (kill ${holder.pid})`;
  } else if (rt.state === "running" || rt.state === "starting") {
    reason = `${rt.detail}, but the gateway did not bind its port within ${Math.round(timeoutMs / 1000)}s; see the service log`;
  }
  return { ok: false, runtime: rt, reason };
}
