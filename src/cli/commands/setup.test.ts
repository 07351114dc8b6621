import { describe, expect, it } from "vitest";
import { gatewayCommandFor, minimalConfig } from "./setup.js";

describe("setup helpers", () => {
  it("writes a local, loopback, token-auth config", () => {
    expect(minimalConfig()).toEqual({ gateway: { mode: "local", bind: "loopback", port: 18789, auth: { mode: "token" } } });
  });

  it("suggests the start command for the active profile", () => {
    expect(gatewayCommandFor({})).toBe("openclaw gateway");
    expect(gatewayCommandFor({ dev: true })).toBe("openclaw --dev gateway");
    expect(gatewayCommandFor({ profile: "work" })).toBe("openclaw --profile work gateway");
  });
});
