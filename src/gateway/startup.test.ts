import { describe, expect, it } from "vitest";
import type { ConfigSnapshot } from "../config/load.js";
import { StartupGuardError } from "../errors.js";
import { resolveStartupSettings } from "./startup.js";

const snapshot = (gateway: Record<string, unknown>) =>
  ({ valid: true, exists: true, path: "/x/openclaw.json", config: { gateway: { mode: "local", auth: { token: "t0k3n-for-tests" }, ...gateway } }, issues: [] }) as unknown as ConfigSnapshot;
const resolve = (gateway: Record<string, unknown>, bind?: string) => resolveStartupSettings(snapshot(gateway), "/x", bind ? { bind } : {}, {});

describe("non-loopback binds and the Control UI", () => {
  it("refuse without explicit origins, and start with origins, the Host fallback, or the UI off", () => {
    expect(() => resolve({}, "lan")).toThrow(StartupGuardError);
    expect(() => resolve({}, "lan")).toThrow(/non-loopback Control UI requires gateway.controlUi.allowedOrigins/);
    expect(() => resolve({ controlUi: { allowedOrigins: [] } }, "lan")).toThrow(/allowedOrigins/);
    expect(resolve({ controlUi: { allowedOrigins: ["https://gw.tailnet.example"] } }, "lan").bind.host).toBe("0.0.0.0");
    expect(resolve({ controlUi: { dangerouslyAllowHostHeaderOriginFallback: true } }, "lan").warnings.length).toBeGreaterThan(0);
    expect(resolve({ controlUi: { enabled: false } }, "lan").bind.loopback).toBe(false);
    expect(resolve({}).bind.loopback).toBe(true);
  });
});
