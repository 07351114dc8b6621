import { describe, expect, it } from "vitest";
import { telegramPlugin } from "./telegram/plugin.js";
import { decideAccess, matchesAllowList } from "./access.js";
import type { InboundMessage } from "./types.js";

const settings = (section: Record<string, unknown> = {}) => telegramPlugin.resolveAccount({ botToken: "t", ...section }, "default");
const dm = (over: Partial<InboundMessage> = {}): InboundMessage => ({
  channel: "telegram", accountId: "default", chatId: "5", chatType: "direct", senderId: "5", senderUsername: "Eve", messageId: "1", text: "hi", mentioned: false, receivedAt: 0, ...over,
});
const group = (over: Partial<InboundMessage> = {}) => dm({ chatType: "group", chatId: "-100", ...over });

describe("dmPolicy", () => {
  it("pairing (default): unknown senders pair; approved or allow-listed ones pass", () => {
    expect(decideAccess(settings(), dm(), false)).toEqual({ action: "pair" });
    expect(decideAccess(settings(), dm(), true)).toEqual({ action: "deliver" });
    expect(decideAccess(settings({ allowFrom: [5] }), dm(), false)).toEqual({ action: "deliver" });
  });

  it("allowlist, open and disabled", () => {
    expect(decideAccess(settings({ dmPolicy: "allowlist", allowFrom: ["@eve"] }), dm(), false).action).toBe("deliver");
    expect(decideAccess(settings({ dmPolicy: "allowlist", allowFrom: ["6"] }), dm(), true).action).toBe("drop");
    expect(decideAccess(settings({ dmPolicy: "open" }), dm(), false).action).toBe("deliver");
    expect(decideAccess(settings({ dmPolicy: "disabled", allowFrom: ["*"] }), dm(), true).action).toBe("drop");
  });

  it("allow list entries: ids, @usernames (case-insensitive), telegram: prefix, *", () => {
    expect(matchesAllowList(["telegram:5"], { senderId: "5" })).toBe(true);
    expect(matchesAllowList(["@EVE"], { senderId: "9", senderUsername: "eve" })).toBe(true);
    expect(matchesAllowList(["eve"], { senderId: "9", senderUsername: "eve" })).toBe(false);
    expect(matchesAllowList([], { senderId: "9" })).toBe(false);
  });
});

describe("groupPolicy and mentions", () => {
  it("allowlist (default) drops groups that are not listed", () => {
    expect(decideAccess(settings(), group({ mentioned: true }), false)).toMatchObject({ action: "drop", reason: /groupPolicy allowlist/ });
    expect(decideAccess(settings({ groups: { "-100": {} } }), group({ mentioned: true }), false).action).toBe("deliver");
    expect(decideAccess(settings({ groups: { "*": {} } }), group({ mentioned: true }), false).action).toBe("deliver");
  });

  it("requires a mention unless the group or account says otherwise", () => {
    const open = { groupPolicy: "open" };
    expect(decideAccess(settings(open), group(), false)).toEqual({ action: "drop", reason: "not mentioned" });
    expect(decideAccess(settings(open), group({ mentioned: true }), false).action).toBe("deliver");
    expect(decideAccess(settings({ ...open, requireMention: false }), group(), false).action).toBe("deliver");
    expect(decideAccess(settings({ ...open, groups: { "-100": { requireMention: false } } }), group(), false).action).toBe("deliver");
  });

  it("disabled policy, disabled group and per-group allowFrom", () => {
    expect(decideAccess(settings({ groupPolicy: "disabled" }), group({ mentioned: true }), false).action).toBe("drop");
    expect(decideAccess(settings({ groupPolicy: "open", groups: { "-100": { enabled: false } } }), group({ mentioned: true }), false).action).toBe("drop");
    const s = settings({ groups: { "-100": { allowFrom: ["7"] } } });
    expect(decideAccess(s, group({ mentioned: true }), false).action).toBe("drop");
    expect(decideAccess(s, group({ mentioned: true, senderId: "7" }), false).action).toBe("deliver");
  });
});
