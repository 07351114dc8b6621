import { describe, expect, it } from "vitest";
import type { OpenClawConfig } from "../config/schema.js";
import { resolveAgentForMessage, routeMessage, sessionKeyFor } from "./routing.js";
import type { InboundMessage } from "./types.js";

const msg = (over: Partial<InboundMessage> = {}): InboundMessage => ({
  channel: "telegram", accountId: "default", chatId: "42", chatType: "direct", senderId: "42", messageId: "1", text: "hi", mentioned: false, receivedAt: 0, ...over,
});

const cfg = (over: Partial<OpenClawConfig> = {}) =>
  ({ agents: { list: [{ id: "main" }, { id: "work" }, { id: "vip" }, { id: "ops" }] }, ...over }) as OpenClawConfig;

describe("bindings", () => {
  const bindings = [
    { agentId: "work", match: { channel: "telegram" } },
    { agentId: "ops", match: { channel: "telegram", accountId: "ops-bot" } },
    { agentId: "vip", match: { channel: "telegram", peer: { kind: "direct" as const, id: 7 } } },
    { agentId: "vip", match: { channel: "telegram", accountId: "*", peer: { kind: "group" as const, id: "-5" } } },
  ];

  it("picks the most specific match: peer over account over channel", () => {
    const c = cfg({ bindings });
    expect(resolveAgentForMessage(c, msg())).toEqual({ agentId: "work", matchedBy: "channel" });
    expect(resolveAgentForMessage(c, msg({ senderId: "7", chatId: "7" }))).toEqual({ agentId: "vip", matchedBy: "peer" });
    expect(resolveAgentForMessage(c, msg({ accountId: "ops-bot" }))).toEqual({ agentId: "ops", matchedBy: "account" });
    expect(resolveAgentForMessage(c, msg({ accountId: "ops-bot", chatType: "group", chatId: "-5" }))).toEqual({ agentId: "vip", matchedBy: "peer" });
  });

  it("a binding without accountId covers only the default account; other channels get the default agent", () => {
    const c = cfg({ bindings: [{ agentId: "work", match: { channel: "telegram" } }] });
    expect(resolveAgentForMessage(c, msg({ accountId: "second" })).agentId).toBe("main");
    expect(resolveAgentForMessage(c, msg({ channel: "discord" })).agentId).toBe("main");
    expect(resolveAgentForMessage(cfg({ agents: { list: [{ id: "a" }, { id: "b", default: true }] } }), msg()).agentId).toBe("b");
  });
});

describe("session keys", () => {
  it("per sender by default: two people never share a session", () => {
    const c = cfg();
    const alice = sessionKeyFor(c, "main", msg({ senderId: "1", chatId: "1" }));
    const bob = sessionKeyFor(c, "main", msg({ senderId: "2", chatId: "2" }));
    expect(alice).toBe("agent:main:telegram:direct:1");
    expect(bob).not.toBe(alice);
    expect(sessionKeyFor(c, "main", msg({ chatType: "group", chatId: "-9", senderId: "1" }))).toBe("agent:main:telegram:group:-9");
    expect(sessionKeyFor(c, "main", msg({ accountId: "Work", senderId: "1" }))).toBe("agent:main:telegram:work:direct:1");
  });

  it("global scope shares the agent's main session", () => {
    const c = cfg({ session: { scope: "global", mainKey: "home" } });
    expect(routeMessage(c, msg({ senderId: "1" })).sessionKey).toBe("agent:main:home");
    expect(routeMessage(c, msg({ senderId: "2" })).sessionKey).toBe("agent:main:home");
  });
});
