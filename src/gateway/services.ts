// What method handlers and HTTP stages may use from the running gateway. Handlers depend on this
// interface, not on the Gateway class, so they stay small and testable.
import type { ConfigSnapshot } from "../config/load.js";
import type { OpenClawConfig } from "../config/schema.js";
import type { GatewayLogger } from "../logging/logger.js";
import type { ResolvedAuth } from "./auth/resolve-auth.js";
import type { Broadcaster } from "./ws/broadcast.js";
import type { HealthMonitor } from "./health-monitor.js";
import type { PresenceRegistry } from "./presence.js";
import type { MethodRegistry } from "./methods/registry.js";
import type { ControlPlaneRateLimiter } from "./control-plane-rate-limit.js";
import type { AuthRateLimiter } from "./auth/rate-limit.js";
import type { DeviceStore } from "./devices/device-store.js";
import type { BootstrapTokens } from "./auth/bootstrap-tokens.js";
import type { AgentRuntime } from "./agent-runtime.js";
import type { SecretsRuntime } from "../secrets/snapshot.js";
import type { ChannelService } from "../channels/service.js";
import type { Automation } from "../automation/automation.js";

export interface RestartPlan {
  scheduled: boolean;
  delayMs: number;
  reason: string;
  /** True when a restart was already pending and this request joined it. */
  coalesced: boolean;
}

export interface ConfigWriteResult {
  hash: string;
  bytes: number;
  backupPath: string | null;
}

/** Which of a device's sockets to close. */
export interface DeviceConnectionFilter {
  /** Only sockets connected in this role. */
  role?: string;
  /** Only sockets that authenticated with the device token (not the shared secret). */
  deviceTokenOnly?: boolean;
}

export interface GatewayServices {
  readonly version: string;
  readonly bootId: string;
  readonly startedAt: number;
  readonly configPath: string;
  readonly stateDir: string;
  readonly logger: GatewayLogger;
  readonly broadcaster: Broadcaster;
  readonly presence: PresenceRegistry;
  readonly health: HealthMonitor;
  readonly methods: MethodRegistry;
  readonly controlPlaneLimiter: ControlPlaneRateLimiter;
  readonly authLimiter: AuthRateLimiter;
  readonly devices: DeviceStore;
  /** One-time Control UI link tokens (`controlUi.bootstrap`, accepted once by connect). */
  readonly bootstrapTokens: BootstrapTokens;
  readonly agents: AgentRuntime;
  /** The active secrets snapshot (values of SecretRefs by config path) and its reload. */
  readonly secrets: SecretsRuntime;
  /** Chat channels: outbound `send` (cron delivery uses it too), status, pairing. */
  readonly channels: ChannelService;
  /** Cron, heartbeat and wake (src/automation). */
  readonly automation: Automation;
  readonly env: NodeJS.ProcessEnv;
  config(): OpenClawConfig;
  configSnapshot(): ConfigSnapshot;
  auth(): ResolvedAuth;
  /** The file the logger writes to right now. */
  logFile(): string;
  /** Writes the config file; the gateway remembers the hash so its own writes never look like edits. */
  writeConfig(config: Record<string, unknown>, source: string, opts?: { allowShrink?: boolean }): Promise<ConfigWriteResult>;
  /** Re-reads the config file and applies what changed (gateway.reload.mode); serialised. */
  reloadConfig(source: string): Promise<unknown>;
  /** Asks for an in-process restart after `delayMs`; repeated asks coalesce. */
  scheduleRestart(reason: string, delayMs: number): RestartPlan;
  sessionDefaults(): { defaultAgentId: string; mainKey: string; mainSessionKey: string; scope: string };
  /** True when a socket peer address is listed in gateway.trustedProxies (IP or CIDR). */
  isTrustedProxy(address: string): boolean;
  /** Closes a device's open sockets (revoked, rotated or removed credentials); returns how many. */
  closeDeviceConnections(deviceId: string, filter: DeviceConnectionFilter, code: number, reason: string): number;
}
