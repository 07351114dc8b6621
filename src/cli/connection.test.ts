import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import {
  formatWsUrl,
  parseGatewayUrl,
  resolveCredentials,
  resolveGatewayPort,
  resolveGatewayTarget,
  resolveLocalGateway,
} from "./connection.js";

const secretRef = { source: "env", provider: "default", id: "GW_TOKEN" };

describe("resolveGatewayPort", () => {
  const config = { gateway: { port: 20000 } };

  it("prefers --port, then OPENCLAW_GATEWAY_PORT, then gateway.port, then 18789", () => {
    const env = { OPENCLAW_GATEWAY_PORT: "19001" };
    expect(resolveGatewayPort({ flag: "1234", env, config })).toEqual({ port: 1234, source: "--port" });
    expect(resolveGatewayPort({ env, config })).toEqual({ port: 19001, source: "env" });
    expect(resolveGatewayPort({ env: {}, config })).toEqual({ port: 20000, source: "config" });
    expect(resolveGatewayPort({ env: {}, config: {} })).toEqual({ port: 18789, source: "default" });
  });

  it("ignores a blank env value and an invalid config value", () => {
    expect(resolveGatewayPort({ env: { OPENCLAW_GATEWAY_PORT: "  " }, config: { gateway: { port: "x" } } })).toEqual({
      port: 18789,
      source: "default",
    });
  });

  it("rejects an invalid --port or env port as a usage error", () => {
    expect(() => resolveGatewayPort({ flag: "70000", env: {}, config: {} })).toThrow(/invalid --port/);
    try {
      resolveGatewayPort({ env: { OPENCLAW_GATEWAY_PORT: "abc" }, config: {} });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).message).toContain("OPENCLAW_GATEWAY_PORT");
    }
  });
});

describe("resolveCredentials", () => {
  const config = {
    gateway: { auth: { token: "cfg-token" }, remote: { token: "remote-token", password: "remote-pw" } },
  };
  const env = { OPENCLAW_GATEWAY_TOKEN: "env-token", OPENCLAW_GATEWAY_PASSWORD: "env-pw" };

  it("with --url uses only the flags, never config or env", () => {
    expect(resolveCredentials({ flags: {}, explicitUrl: true, config, env })).toEqual({ source: "none" });
    expect(resolveCredentials({ flags: { password: "p" }, explicitUrl: true, config, env })).toEqual({
      source: "flags",
      password: "p",
    });
  });

  it("without --url: flags, then gateway.auth, then gateway.remote, then env", () => {
    expect(resolveCredentials({ flags: { token: "flag" }, explicitUrl: false, config, env })).toEqual({
      source: "flags",
      token: "flag",
    });
    expect(resolveCredentials({ flags: {}, explicitUrl: false, config, env })).toEqual({ source: "config", token: "cfg-token" });
    const remoteOnly = { gateway: { remote: config.gateway.remote } };
    expect(resolveCredentials({ flags: {}, explicitUrl: false, config: remoteOnly, env })).toEqual({
      source: "config-remote",
      token: "remote-token",
      password: "remote-pw",
    });
    expect(resolveCredentials({ flags: {}, explicitUrl: false, config: {}, env })).toEqual({
      source: "env",
      token: "env-token",
      password: "env-pw",
    });
    expect(resolveCredentials({ flags: {}, explicitUrl: false, config: {}, env: {} })).toEqual({ source: "none" });
  });

  it("skips SecretRef objects and empty strings in the config", () => {
    const refs = { gateway: { auth: { token: secretRef, password: "" } } };
    expect(resolveCredentials({ flags: {}, explicitUrl: false, config: refs, env })).toEqual({
      source: "env",
      token: "env-token",
      password: "env-pw",
    });
  });
});

describe("resolveLocalGateway", () => {
  it("defaults to loopback and probes 127.0.0.1", () => {
    expect(resolveLocalGateway({ env: {}, config: {} })).toEqual({
      port: 18789,
      source: "default",
      bindMode: "loopback",
      bindHost: "127.0.0.1",
      probeHost: "127.0.0.1",
    });
  });

  it("probes a wildcard bind over loopback and a custom bind at its address", () => {
    expect(resolveLocalGateway({ env: {}, config: { gateway: { bind: "lan" } } })).toMatchObject({
      bindHost: "0.0.0.0",
      probeHost: "127.0.0.1",
    });
    expect(resolveLocalGateway({ env: {}, config: { gateway: { bind: "custom", customBindHost: "10.1.2.3" } } })).toMatchObject({
      bindHost: "10.1.2.3",
      probeHost: "10.1.2.3",
    });
  });

  it("reports a custom bind without a host instead of throwing", () => {
    const local = resolveLocalGateway({ env: {}, config: { gateway: { bind: "custom" } } });
    expect(local.bindError).toMatch(/customBindHost/);
    expect(local.probeHost).toBe("127.0.0.1");
  });
});

describe("resolveGatewayTarget", () => {
  it("builds ws://127.0.0.1:<port> from the local gateway", () => {
    const target = resolveGatewayTarget({
      flags: {},
      timeoutMs: 500,
      env: { OPENCLAW_GATEWAY_PORT: "19001", OPENCLAW_GATEWAY_TOKEN: "t" },
      config: {},
    });
    expect(target).toEqual({ url: "ws://127.0.0.1:19001", explicitUrl: false, timeoutMs: 500, urlSource: "local", source: "env", token: "t" });
  });

  it("uses --url as given and only flag credentials", () => {
    const target = resolveGatewayTarget({
      flags: { url: "wss://gw.example:443" },
      timeoutMs: 1000,
      env: { OPENCLAW_GATEWAY_TOKEN: "t" },
      config: { gateway: { auth: { token: "c" } } },
    });
    expect(target).toEqual({ url: "wss://gw.example:443", explicitUrl: true, timeoutMs: 1000, urlSource: "flag", source: "none" });
  });

  it("rejects URLs that are not ws:// or wss://", () => {
    expect(() => parseGatewayUrl("http://127.0.0.1:1")).toThrow(/invalid --url/);
    expect(() => parseGatewayUrl("nope")).toThrow(/invalid --url/);
  });

  it("brackets IPv6 hosts", () => {
    expect(formatWsUrl("::1", 1)).toBe("ws://[::1]:1");
    expect(formatWsUrl("::1", 1, true)).toBe("wss://[::1]:1");
  });

  const PIN = "AB:".repeat(31) + "AB";
  const remoteConfig = {
    gateway: { auth: { token: "local-secret" }, remote: { url: "wss://gw.example:18789", token: "remote-token", tlsFingerprint: PIN } },
  };

  it("uses gateway.remote.url with gateway.remote credentials and pin, never the local gateway.auth secret", () => {
    const target = resolveGatewayTarget({ flags: {}, timeoutMs: 1000, env: {}, config: remoteConfig });
    expect(target).toEqual({ url: "wss://gw.example:18789", explicitUrl: false, timeoutMs: 1000, urlSource: "remote", source: "config-remote", token: "remote-token", tlsFingerprint: PIN });
    const noRemoteToken = { gateway: { auth: { token: "local-secret" }, remote: { url: "ws://127.0.0.1:28789" } } };
    expect(resolveGatewayTarget({ flags: {}, timeoutMs: 1, env: { OPENCLAW_GATEWAY_TOKEN: "env-token" }, config: noRemoteToken })).toMatchObject({ source: "env", token: "env-token" });
    expect(resolveGatewayTarget({ flags: {}, timeoutMs: 1, env: {}, config: noRemoteToken }).source).toBe("none");
  });

  it("explicit --url, --token and --tls-fingerprint win over gateway.remote; remote.enabled=false turns it off", () => {
    const flagged = resolveGatewayTarget({ flags: { url: "ws://127.0.0.1:1", token: "flag-token" }, timeoutMs: 1, env: {}, config: remoteConfig });
    expect(flagged).toEqual({ url: "ws://127.0.0.1:1", explicitUrl: true, timeoutMs: 1, urlSource: "flag", source: "flags", token: "flag-token" });
    const tokenOnly = resolveGatewayTarget({ flags: { token: "flag-token", tlsFingerprint: "ff".repeat(32) }, timeoutMs: 1, env: {}, config: remoteConfig });
    expect(tokenOnly).toMatchObject({ url: "wss://gw.example:18789", token: "flag-token", source: "flags", tlsFingerprint: "ff".repeat(32) });
    const disabled = { gateway: { ...remoteConfig.gateway, remote: { ...remoteConfig.gateway.remote, enabled: false } } };
    expect(resolveGatewayTarget({ flags: {}, timeoutMs: 1, env: { OPENCLAW_GATEWAY_PORT: "19001" }, config: disabled })).toMatchObject({ url: "ws://127.0.0.1:19001", source: "config", token: "local-secret" });
    expect(() => resolveGatewayTarget({ flags: {}, timeoutMs: 1, env: {}, config: { gateway: { remote: { url: "https://x" } } } })).toThrow(/invalid gateway.remote.url/);
  });

  it("the local gateway with TLS on is wss:// and pinned to its own certificate", () => {
    const config = { gateway: { port: 19002, tls: { enabled: true } } };
    const local = resolveLocalGateway({ env: {}, config });
    expect(local.tls).toBe(true);
    const target = resolveGatewayTarget({ flags: {}, timeoutMs: 1, env: {}, config, local, localFingerprint: PIN });
    expect(target).toMatchObject({ url: "wss://127.0.0.1:19002", urlSource: "local", tlsFingerprint: PIN });
  });
});
