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
});
