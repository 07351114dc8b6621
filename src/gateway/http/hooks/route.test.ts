import { describe, expect, it } from "vitest";
import { parseAgent } from "./actions.js";
import { isAgentAllowed, isSessionKeyAllowed, nameSlug, routeAgentAction, type RoutePolicy } from "./route.js";

const env = { defaultAgentId: "main", agentExists: (id: string) => ["main", "ops"].includes(id) };
const open: RoutePolicy = { allowRequestSessionKey: true };
const route = (body: Record<string, unknown>, policy: RoutePolicy = open, fromRequest = true) =>
  routeAgentAction(parseAgent({ message: "hi", ...body }), policy, env, { sessionKeyFromRequest: fromRequest });

describe("hook routing", () => {
  it("defaults to the default agent and agent:<id>:hook:<name-slug>", () => {
    expect(route({})).toEqual({ agentId: "main", sessionKey: "agent:main:hook:hook" });
    expect(route({ name: "GitHub Push!", agentId: "OPS" })).toEqual({ agentId: "ops", sessionKey: "agent:ops:hook:github-push" });
    expect(nameSlug("***")).toBe("hook");
  });

  it("uses hooks.defaultSessionKey, under the action's agent when it has no agent prefix", () => {
    expect(route({}, { ...open, defaultSessionKey: "hook:ingress" })).toEqual({ agentId: "main", sessionKey: "agent:main:hook:ingress" });
    expect(route({ agentId: "ops" }, { ...open, defaultSessionKey: "hook:ingress" }).sessionKey).toBe("agent:ops:hook:ingress");
    expect(route({}, { ...open, defaultSessionKey: "agent:ops:inbox" })).toEqual({ agentId: "ops", sessionKey: "agent:ops:inbox" });
  });

  it("a request's sessionKey needs hooks.allowRequestSessionKey; a mapping's does not", () => {
    const closed: RoutePolicy = { allowRequestSessionKey: false };
    expect(() => route({ sessionKey: "agent:main:x" }, closed)).toThrow(
      "sessionKey is not accepted from hook requests; set hooks.allowRequestSessionKey: true to allow it",
    );
    expect(route({ sessionKey: "agent:main:x" }, closed, false)).toEqual({ agentId: "main", sessionKey: "agent:main:x" });
  });

  it("the session key's agent picks the agent and must agree with agentId", () => {
    expect(route({ sessionKey: "agent:ops:x" })).toEqual({ agentId: "ops", sessionKey: "agent:ops:x" });
    expect(() => route({ sessionKey: "agent:ops:x", agentId: "main" })).toThrow('agentId "main" does not match the agent of sessionKey "agent:ops:x"');
    expect(() => route({ sessionKey: "agent::x" })).toThrow('invalid sessionKey "agent::x"');
  });

  it("unknown and disallowed agents are refused", () => {
    expect(() => route({ agentId: "ghost" })).toThrow('unknown agent id "ghost"');
    expect(() => route({ agentId: "bad id" })).toThrow('invalid agentId "bad id"');
    expect(() => route({ agentId: "ops" }, { ...open, allowedAgentIds: ["main"] })).toThrow('agentId "ops" is not allowed by hooks.allowedAgentIds');
    expect(() => route({}, { ...open, allowedAgentIds: [] })).toThrow("hooks.allowedAgentIds");
  });

  it("allowedAgentIds: omitted or * = all, [] = none", () => {
    expect(isAgentAllowed("x", undefined)).toBe(true);
    expect(isAgentAllowed("x", ["*"])).toBe(true);
    expect(isAgentAllowed("x", [])).toBe(false);
    expect(isAgentAllowed("OPS", ["ops"])).toBe(true);
  });

  it("allowedSessionKeyPrefixes match the full key or its part after agent:<id>:", () => {
    expect(isSessionKeyAllowed("agent:main:hook:x", ["hook:"])).toBe(true);
    expect(isSessionKeyAllowed("agent:main:hook:x", ["agent:main:"])).toBe(true);
    expect(isSessionKeyAllowed("agent:main:main", ["hook:"])).toBe(false);
    expect(isSessionKeyAllowed("agent:main:hook:x", [])).toBe(false);
    expect(isSessionKeyAllowed("anything", undefined)).toBe(true);
    expect(() => route({ sessionKey: "agent:main:main" }, { ...open, allowedSessionKeyPrefixes: ["hook:"] })).toThrow(
      'sessionKey "agent:main:main" is not allowed by hooks.allowedSessionKeyPrefixes',
    );
    expect(route({ name: "gh" }, { ...open, allowedSessionKeyPrefixes: ["hook:"] }).sessionKey).toBe("agent:main:hook:gh");
  });
});

describe("parseAgent / parseWake fields", () => {
  it("applies the reference defaults", () => {
    expect(parseAgent({ message: " hi " })).toEqual({ kind: "agent", message: "hi", name: "Hook", wakeMode: "now", deliver: true, channel: "last" });
  });

  it.each([
    [{}, "message required"],
    [{ message: "x", deliver: "yes" }, "deliver must be a boolean"],
    [{ message: "x", wakeMode: "soon" }, 'wakeMode must be "now" or "next-heartbeat"'],
    [{ message: "x", timeoutSeconds: 1.5 }, "timeoutSeconds must be an integer from 1 to 86400"],
    [{ message: "x", agentId: 3 }, "agentId must be a string"],
  ])("refuses %j with %s", (body, message) => {
    expect(() => parseAgent(body)).toThrow(message);
  });
});
