import { describe, expect, it } from "vitest";
import { isValidAgentId, isValidSessionId, isValidSessionKey, mainSessionKey, parseSessionKey } from "./keys.js";

describe("session keys", () => {
  it("builds the main key", () => {
    expect(mainSessionKey("main")).toBe("agent:main:main");
    expect(mainSessionKey("ops", "home")).toBe("agent:ops:home");
  });

  it("parses agent keys, keeping colons in the rest", () => {
    expect(parseSessionKey("agent:ops:main")).toEqual({ agentId: "ops", rest: "main" });
    expect(parseSessionKey("agent:ops:telegram:group:-100123")).toEqual({ agentId: "ops", rest: "telegram:group:-100123" });
  });

  it("gives keys without the agent prefix to the default agent", () => {
    expect(parseSessionKey("main")).toEqual({ agentId: "main", rest: "main" });
    expect(parseSessionKey("telegram:42", "ops")).toEqual({ agentId: "ops", rest: "telegram:42" });
  });

  it("rejects malformed keys", () => {
    for (const key of ["", "agent:", "agent:ops", "agent:ops:", "agent::main", "agent:../x:main", "a\nb", "x".repeat(513)]) {
      expect(parseSessionKey(key), JSON.stringify(key)).toBeNull();
    }
  });

  it("validates keys, agent ids and session ids", () => {
    expect(isValidSessionKey("x".repeat(512))).toBe(true);
    expect(isValidSessionKey("x".repeat(513))).toBe(false);
    expect(isValidSessionKey("tab\there")).toBe(false);
    expect(isValidSessionKey("del\u007f")).toBe(false);
    expect(isValidSessionKey("ünïcode ok")).toBe(true);
    expect(isValidAgentId("main")).toBe(true);
    expect(isValidAgentId("../etc")).toBe(false);
    expect(isValidSessionId("0f8fad5b-d9cb-469f-a165-70867728950e")).toBe(true);
    expect(isValidSessionId("../x")).toBe(false);
    expect(isValidSessionId(".hidden")).toBe(false);
  });
});
