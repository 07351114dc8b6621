import { describe, expect, it } from "vitest";
import type { ConfigTree } from "../config-tree.js";
import type { GatewayTarget, LocalGateway } from "../connection.js";
import { buildGatewayStatus, renderGatewayStatus, type GatherInput } from "./gateway-status.js";

const tree: ConfigTree = {
  path: "/home/u/.openclaw/openclaw.json",
  exists: true,
  parsedOk: true,
  parsed: {},
  resolved: { logging: { file: "/var/log/oc.log" } },
  issues: [],
};
const local: LocalGateway = { port: 18789, source: "default", bindMode: "loopback", bindHost: "127.0.0.1", probeHost: "127.0.0.1" };
const target: GatewayTarget = { url: "ws://127.0.0.1:18789", explicitUrl: false, timeoutMs: 1000, source: "none" };
const hello = { snapshot: { uptimeMs: 65_000 } } as unknown as NonNullable<GatherInput["probe"]>["hello"];

function input(extra: Partial<GatherInput>): GatherInput {
  return { tree, cli: { path: tree.path, exists: true, valid: true }, local, target, lock: null, now: 1_000_000, ...extra };
}

describe("gateway status", () => {
  it("renders every line in order for a healthy gateway", () => {
    const report = buildGatewayStatus(input({ lock: { pid: 42 }, probe: { ok: true, method: "status", hello } }));
    expect(renderGatewayStatus(report)).toEqual([
      "Service: none (not installed; started by hand)",
      "File logs: /var/log/oc.log",
      "Config (cli): /home/u/.openclaw/openclaw.json (valid)",
      "Gateway: bind=loopback (127.0.0.1), port=18789 (default)",
      "Probe target: ws://127.0.0.1:18789",
      "Dashboard: http://127.0.0.1:18789/",
      "Runtime: running (pid 42, uptime 1m 5s)",
      "RPC probe: ok",
    ]);
    expect(report.health).toEqual({ healthy: true, staleGatewayPids: [] });
  });

  it("reports a stopped gateway and the probe failure", () => {
    const report = buildGatewayStatus(input({ probe: { ok: false, error: "connection refused" } }));
    const lines = renderGatewayStatus(report);
    expect(lines).toContain("Runtime: stopped");
    expect(lines).toContain("RPC probe: failed (connection refused)");
    expect(report.rpc).toEqual({ ok: false, url: target.url, error: "connection refused" });
    expect(report.health.healthy).toBe(false);
  });

  it("shows invalid and missing configs", () => {
    const issue = { file: tree.path, path: "gateway.port", message: "must be integer" };
    const invalid = buildGatewayStatus(input({ cli: { path: tree.path, exists: true, valid: false, issues: [issue] } }));
    expect(renderGatewayStatus(invalid)[2]).toBe(`Config (cli): ${tree.path} (invalid: gateway.port: must be integer)`);
    const missing = buildGatewayStatus(input({ cli: { path: tree.path, exists: false, valid: true } }));
    expect(renderGatewayStatus(missing)[2]).toBe(`Config (cli): ${tree.path} (missing)`);
  });

  it("uses the lock age for uptime without a probe, and says the probe was skipped", () => {
    const report = buildGatewayStatus(input({ lock: { pid: 7, createdAt: new Date(1_000_000 - 30_000).toISOString() } }));
    const lines = renderGatewayStatus(report);
    expect(lines).toContain("Runtime: running (pid 7, uptime 30s)");
    expect(lines).toContain("RPC probe: skipped (--no-probe)");
    expect(report.rpc).toBeUndefined();
  });

  it("with --url, a failed probe leaves the runtime unknown", () => {
    const remote = { ...target, url: "ws://10.0.0.5:18789", explicitUrl: true };
    const report = buildGatewayStatus(input({ target: remote, probe: { ok: false, error: "timed out" } }));
    expect(report.runtime).toEqual({ status: "unknown" });
    expect(report.gateway.probeUrl).toBe("ws://10.0.0.5:18789");
  });

  it("shows a start-limited service as crash-looped and unhealthy, with its unit file", () => {
    const service = {
      action: "status" as const, ok: true, manager: "systemd" as const, scope: "user" as const, name: "openclaw-gateway.service",
      unitPath: "/home/u/.config/systemd/user/openclaw-gateway.service", installed: true, available: true, state: "start-limited" as const,
      detail: "crash-looped: gave up after 5 starts in 60s (last: exit status 1); see journalctl --user -u openclaw-gateway.service -n 50, fix the cause, then run openclaw gateway restart",
      message: "", steps: [],
    };
    const report = buildGatewayStatus(input({ lock: { pid: 42 }, probe: { ok: true, method: "status", hello }, service }));
    const lines = renderGatewayStatus(report);
    expect(lines[0]).toBe(`Service: openclaw-gateway.service (systemd user: ${service.detail})`);
    expect(lines[1]).toBe("Service file: /home/u/.config/systemd/user/openclaw-gateway.service");
    expect(report.service).toMatchObject({ loaded: true, state: "start-limited", installed: true });
    expect(report.health.healthy).toBe(false);
  });

  it("renders --deep findings: other services, processes, locks and listeners", () => {
    const deep = {
      extraServices: [{ label: "clawdbot-gateway", detail: "/etc/systemd/system/clawdbot-gateway.service", scope: "system" as const }],
      processes: [{ pid: 42, command: "node /opt/oc/bin/openclaw.mjs gateway" }, { pid: 99, command: "node /old/clawdbot/dist/index.js gateway" }],
      locks: [{ path: "/tmp/openclaw-0/gateway.abcd1234.lock", pid: 42, alive: true, configPath: tree.path, port: 18789 }],
      listeners: [{ address: "127.0.0.1", port: 18789, pid: 42, command: "node /opt/oc/bin/openclaw.mjs gateway" }, { address: "::1", port: 18789 }],
    };
    const report = buildGatewayStatus(input({ lock: { pid: 42 }, deep }));
    expect(report.extraServices).toEqual(deep.extraServices);
    expect(report.health.staleGatewayPids).toEqual([99]);
    const lines = renderGatewayStatus(report, { deep: true });
    expect(lines.slice(-10)).toEqual([
      "Other gateway-like services detected (best effort):",
      "  clawdbot-gateway (system): /etc/systemd/system/clawdbot-gateway.service",
      "Gateway processes:",
      "  pid 42: node /opt/oc/bin/openclaw.mjs gateway",
      "  pid 99: node /old/clawdbot/dist/index.js gateway",
      "Gateway locks:",
      `  pid 42 (alive, port 18789) ${tree.path} [/tmp/openclaw-0/gateway.abcd1234.lock]`,
      "Listening on port 18789:",
      "  127.0.0.1:18789 pid 42 (node /opt/oc/bin/openclaw.mjs gateway)",
      "  [::1]:18789 pid unknown (not permitted)",
    ]);
  });
});
