import { describe, expect, it } from "vitest";
import { StartupGuardError } from "../../errors.js";
import { SecretsSnapshot } from "../../secrets/snapshot.js";
import { resolveGatewayAuth } from "./resolve-auth.js";

describe("resolveGatewayAuth", () => {
  it("infers password mode from a password, token otherwise", () => {
    expect(resolveGatewayAuth({ config: { password: "p" }, cli: {}, env: {} }).mode).toBe("password");
    const t = resolveGatewayAuth({ config: {}, cli: {}, env: {} });
    expect(t.mode).toBe("token");
    expect(t.needsGeneratedToken).toBe(true);
  });

  it("prefers CLI over config over env", () => {
    expect(resolveGatewayAuth({ config: { token: "cfg" }, cli: { token: "cli" }, env: { OPENCLAW_GATEWAY_TOKEN: "env" } }).token).toBe("cli");
    expect(resolveGatewayAuth({ config: { token: "cfg" }, cli: {}, env: { OPENCLAW_GATEWAY_TOKEN: "env" } })).toMatchObject({ token: "cfg", tokenSource: "config" });
    expect(resolveGatewayAuth({ config: {}, cli: {}, env: { OPENCLAW_GATEWAY_TOKEN: "env" } })).toMatchObject({ token: "env", tokenSource: "env" });
  });

  it("reads SecretRefs from the secrets snapshot and names an unresolved path", () => {
    const token = { source: "file", provider: "tokens", id: "/gw" };
    const secrets = new SecretsSnapshot(new Map([["gateway.auth.token", "from-file"]]));
    expect(resolveGatewayAuth({ config: { token }, cli: {}, env: {}, secrets })).toMatchObject({ token: "from-file", tokenSource: "config" });
    expect(() => resolveGatewayAuth({ config: { token }, cli: {}, env: {} })).toThrow(/gateway.auth.token is a secret reference \(file provider "tokens"\)/);
  });

  it("refuses ambiguity and placeholders", () => {
    expect(() => resolveGatewayAuth({ config: { token: "a", password: "b" }, cli: {}, env: {} })).toThrow(StartupGuardError);
    expect(() => resolveGatewayAuth({ config: { token: "change-me-to-a-long-random-token" }, cli: {}, env: {} })).toThrow(/placeholder/);
    expect(() => resolveGatewayAuth({ config: { mode: "magic" }, cli: {}, env: {} })).toThrow(/Invalid --auth/);
  });

  it("trusted-proxy needs a user header and no token", () => {
    expect(() => resolveGatewayAuth({ config: { mode: "trusted-proxy" }, cli: {}, env: {} })).toThrow(/no trustedProxy config/);
    expect(() => resolveGatewayAuth({ config: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-user" }, token: "t" }, cli: {}, env: {} })).toThrow(/mutually exclusive/);
    expect(resolveGatewayAuth({ config: { mode: "trusted-proxy", trustedProxy: { userHeader: "X-User" } }, cli: {}, env: {} }).trustedProxy?.userHeader).toBe("x-user");
  });
});
