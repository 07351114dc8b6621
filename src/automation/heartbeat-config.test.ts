import { describe, expect, it } from "vitest";
import { classifyReply, isEffectivelyEmpty, resolveHeartbeat } from "./heartbeat-config.js";

describe("heartbeat settings", () => {
  it("defaults to 30m, target none; per-agent keys win over defaults; 0m is off", () => {
    const d = resolveHeartbeat({}, "main");
    expect(d).toMatchObject({ enabled: true, every: "30m", everyMs: 1_800_000, target: "none", ackMaxChars: 300 });
    const cfg = {
      agents: {
        defaults: { heartbeat: { every: "1h", target: "telegram", to: "42" } },
        list: [{ id: "main" }, { id: "quiet", heartbeat: { every: "0m" } }],
      },
    };
    expect(resolveHeartbeat(cfg as never, "main")).toMatchObject({ everyMs: 3_600_000, target: "telegram", to: "42" });
    expect(resolveHeartbeat(cfg as never, "quiet")).toMatchObject({ enabled: false, everyMs: 0, target: "telegram" });
  });
});

describe("heartbeat replies", () => {
  it("HEARTBEAT_OK at either end with a short remainder is an ack; long or token-free text is an alert", () => {
    expect(classifyReply("HEARTBEAT_OK", 300).kind).toBe("ack");
    expect(classifyReply("**HEARTBEAT_OK**", 300).kind).toBe("ack");
    expect(classifyReply("All quiet. HEARTBEAT_OK", 300)).toEqual({ kind: "ack", rest: "All quiet." });
    expect(classifyReply("NO_REPLY", 300).kind).toBe("ack");
    expect(classifyReply("  ", 300).kind).toBe("empty");
    expect(classifyReply("Your build failed.", 300)).toEqual({ kind: "alert", rest: "Your build failed." });
    expect(classifyReply(`HEARTBEAT_OK ${"x".repeat(20)}`, 10)).toEqual({ kind: "alert", rest: "x".repeat(20) });
    // The token in the middle of a sentence is not an acknowledgement.
    expect(classifyReply("I saw HEARTBEAT_OK in the logs and the disk is full", 300).kind).toBe("alert");
  });

  it("a HEARTBEAT.md of headings, comments and empty items is empty", () => {
    expect(isEffectivelyEmpty("# Heartbeat\n\n<!-- add tasks -->\n- [ ]\n")).toBe(true);
    expect(isEffectivelyEmpty("# Heartbeat\n- check the inbox\n")).toBe(false);
  });
});
