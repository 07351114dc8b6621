import { describe, expect, it } from "vitest";
import { classifyPath, decide, diffConfigPaths, planReload } from "./plan.js";

describe("diffConfigPaths", () => {
  it("reports changed leaves, whole arrays, and the leaves of added or removed sections", () => {
    const a = { gateway: { port: 1, auth: { token: "a" }, trustedProxies: ["x"] }, session: { scope: "global" } };
    const b = { gateway: { port: 1, auth: { token: "b" }, trustedProxies: ["x", "y"] }, hooks: { enabled: true, path: "/h" } };
    expect(diffConfigPaths(a, b).sort()).toEqual(["gateway.auth.token", "gateway.trustedProxies", "hooks.enabled", "hooks.path", "session.scope"]);
  });

  it("is empty for equal configs and reports a type change at its path", () => {
    expect(diffConfigPaths({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(diffConfigPaths({ a: { b: 1 } }, { a: "x" })).toEqual(["a"]);
  });
});

describe("the rule table", () => {
  it("matches the first prefix, on whole segments", () => {
    expect(classifyPath("gateway.reload.debounceMs")).toEqual({ kind: "none" });
    expect(classifyPath("gateway.remote.url")).toEqual({ kind: "none" });
    expect(classifyPath("gateway.auth.token").kind).toBe("hot");
    expect(classifyPath("gateway.port")).toEqual({ kind: "restart" });
    expect(classifyPath("gateway.reloadish")).toEqual({ kind: "restart" });
    expect(classifyPath("session.scope")).toEqual({ kind: "none" });
    expect(classifyPath("agents.defaults.workspace")).toEqual({ kind: "none" });
    expect(classifyPath("logging.level")).toEqual({ kind: "none" });
    expect(classifyPath("plugins.entries")).toEqual({ kind: "restart" });
    expect(classifyPath("somethingNew")).toEqual({ kind: "restart" });
  });

  it("groups hot actions and names the channel", () => {
    const plan = planReload(["hooks.token", "hooks.path", "channels.telegram.botToken", "cron.enabled", "agents.defaults.model", "gateway.channelMaxRestartsPerHour"]);
    expect(plan.restartPaths).toEqual([]);
    expect([...plan.hot.keys()].sort()).toEqual(["channel:telegram", "cron", "health-monitor", "heartbeat", "hooks"]);
    expect(plan.hot.get("hooks")).toEqual(["hooks.token", "hooks.path"]);
  });
});

describe("modes", () => {
  const hotOnly = planReload(["hooks.path"]);
  const needsRestart = planReload(["hooks.path", "gateway.port"]);
  it("hybrid restarts only when it must", () => {
    expect(decide("hybrid", hotOnly).kind).toBe("hot");
    expect(decide("hybrid", needsRestart).kind).toBe("restart");
  });
  it("hot never restarts and reports what it skipped", () => {
    expect(decide("hot", needsRestart)).toMatchObject({ kind: "hot", skippedRestart: ["gateway.port"] });
  });
  it("restart always restarts; off does nothing; no change is nothing", () => {
    expect(decide("restart", hotOnly).kind).toBe("restart");
    expect(decide("off", needsRestart).kind).toBe("disabled");
    expect(decide("hybrid", planReload([])).kind).toBe("nothing");
  });
});
