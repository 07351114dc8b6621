import { describe, expect, it } from "vitest";
import { resolveManager, resolveServiceContext, ServiceSetupError } from "./context.js";
import { isGatewayLikeServiceFile, launchdLabel, serviceProfile, systemdUnitName } from "./names.js";

describe("service names per profile", () => {
  it("each profile gets its own systemd unit and launchd label", () => {
    expect(systemdUnitName(undefined)).toBe("openclaw-gateway.service");
    expect(systemdUnitName("work")).toBe("openclaw-gateway-work.service");
    expect(launchdLabel(undefined)).toBe("ai.openclaw.gateway");
    expect(launchdLabel("work")).toBe("ai.openclaw.work");
    expect(serviceProfile({ OPENCLAW_PROFILE: "default" })).toBeUndefined();
    expect(serviceProfile({ OPENCLAW_PROFILE: " work " })).toBe("work");
  });

  it("two profiles resolve to two service files and two state dirs", () => {
    const base = { HOME: "/home/c", OPENCLAW_SERVICE_MANAGER: "systemd" };
    const a = resolveServiceContext({}, { ...base, OPENCLAW_PROFILE: "a" });
    const b = resolveServiceContext({}, { ...base, OPENCLAW_PROFILE: "b" });
    expect(a.filePath).toBe("/home/c/.config/systemd/user/openclaw-gateway-a.service");
    expect(b.filePath).toBe("/home/c/.config/systemd/user/openclaw-gateway-b.service");
    expect(a.stateDir).toBe("/home/c/.openclaw-a");
    expect(b.configPath).toBe("/home/c/.openclaw-b/openclaw.json");
    expect(resolveServiceContext({ system: true }, base).filePath).toBe("/etc/systemd/system/openclaw-gateway.service");
    expect(resolveServiceContext({ unitDir: "/t/units" }, { ...base, OPENCLAW_SERVICE_DIR: "/ignored" }).filePath).toBe("/t/units/openclaw-gateway.service");
    expect(resolveServiceContext({}, { ...base, XDG_CONFIG_HOME: "/x" }).dir).toBe("/x/systemd/user");
  });

  it("picks the manager from the platform; a bad override is refused", () => {
    expect(resolveManager({}, "linux")).toBe("systemd");
    expect(resolveManager({}, "darwin")).toBe("launchd");
    expect(resolveManager({ OPENCLAW_SERVICE_MANAGER: "launchd" }, "linux")).toBe("launchd");
    expect(() => resolveManager({}, "win32")).toThrow(ServiceSetupError);
    expect(() => resolveManager({ OPENCLAW_SERVICE_MANAGER: "upstart" }, "linux")).toThrow(/must be "systemd" or "launchd"/);
  });

  it("recognises gateway-like service files", () => {
    expect(isGatewayLikeServiceFile("openclaw-gateway-x.service")).toBe(true);
    expect(isGatewayLikeServiceFile("clawdbot-gateway.service")).toBe(true);
    expect(isGatewayLikeServiceFile("ai.openclaw.gateway.plist")).toBe(true);
    expect(isGatewayLikeServiceFile("com.clawdbot.gateway.plist")).toBe(true);
    expect(isGatewayLikeServiceFile("nginx.service")).toBe(false);
    expect(isGatewayLikeServiceFile("openclaw.conf")).toBe(false);
  });
});
