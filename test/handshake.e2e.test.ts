// Every handshake case of wire-captures 5.6, replayed against a real gateway on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe, openProbe } from "./helpers/ws-probe.js";

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startGateway(localConfig(), { handshakeTimeoutMs: 400 });
});
afterAll(async () => {
  await gw.stop();
});

const auth = { token: TEST_TOKEN };

describe("connect.challenge", () => {
  it("arrives first, without seq, with a nonce and a timestamp", async () => {
    const p = await openProbe(gw.url);
    const ch = await p.challenge;
    expect(p.frames[0]).toBe(ch);
    expect(ch).toEqual({ type: "event", event: "connect.challenge", payload: { nonce: expect.any(String), ts: expect.any(Number) } });
    expect(ch.seq).toBeUndefined();
    p.close();
  });
});

describe("first-frame rules", () => {
  it("non-JSON text closes 1000 with no reply", async () => {
    const p = await openProbe(gw.url);
    await p.challenge;
    p.send("this is not json {");
    expect(await p.closed).toEqual({ code: 1000, reason: "" });
    expect(p.frames.filter((f) => f.type === "res")).toHaveLength(0);
  });

  it.each([['{"foo":1}'], ['{"type":"event","event":"hello"}']])("JSON that is not a req (%s) closes 1008 invalid request frame", async (raw) => {
    const p = await openProbe(gw.url);
    await p.challenge;
    p.send(raw);
    expect(await p.closed).toEqual({ code: 1008, reason: "invalid request frame" });
    expect(p.frames.filter((f) => f.type === "res")).toHaveLength(0);
  });

  it("a req other than connect gets the reply, then 1008 with the same text", async () => {
    const p = await openProbe(gw.url);
    await p.challenge;
    const res = await p.request("health", {}, "r1");
    expect(res).toEqual({
      type: "res",
      id: "r1",
      ok: false,
      error: { code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" },
    });
    expect(await p.closed).toEqual({ code: 1008, reason: "invalid handshake: first request must be connect" });
  });

  it("connect without params: must be object", async () => {
    const p = await openProbe(gw.url);
    await p.challenge;
    p.send('{"type":"req","id":"x","method":"connect"}');
    const res = await p.next((f) => f.type === "res");
    expect(res).toEqual({ type: "res", id: "x", ok: false, error: { code: "INVALID_REQUEST", message: "invalid connect params: must be object" } });
    expect(await p.closed).toEqual({ code: 1008, reason: "invalid connect params: must be object" });
  });

  it("connect with {}: the first missing property", async () => {
    const p = await openProbe(gw.url);
    await p.challenge;
    p.send('{"type":"req","id":"x","method":"connect","params":{}}');
    const res = await p.next((f) => f.type === "res");
    expect(res.error.message).toBe("invalid connect params: must have required property 'minProtocol'");
    expect(await p.closed).toEqual({ code: 1008, reason: "invalid connect params: must have required property 'minProtocol'" });
  });

  it("unknown client.id", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ client: { id: "bogus", version: "1", platform: "linux", mode: "cli" }, auth }));
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid connect params: at /client/id: must be equal to one of the allowed values" });
    expect(await probe.closed).toEqual({ code: 1008, reason: "invalid connect params: at /client/id: must be equal to one of the allowed values" });
  });

  it("protocol 1..2 is a mismatch closed with 1002", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ minProtocol: 1, maxProtocol: 2, auth }));
    expect(res.error).toEqual({
      code: "INVALID_REQUEST",
      message: "protocol mismatch",
      details: { code: "PROTOCOL_MISMATCH", clientMinProtocol: 1, clientMaxProtocol: 2, expectedProtocol: 4, minimumProbeProtocol: 3 },
    });
    expect(await probe.closed).toEqual({ code: 1002, reason: "protocol mismatch" });
  });

  it("an invalid role closes 1008 invalid role", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ role: "root", auth }));
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid role" });
    expect(await probe.closed).toEqual({ code: 1008, reason: "invalid role" });
  });

  it("a traceparent over 128 chars makes the frame invalid", async () => {
    const p = await openProbe(gw.url);
    await p.challenge;
    p.send({ type: "req", id: "x", method: "connect", params: connectParams({ auth }), traceparent: "x".repeat(129) });
    expect(await p.closed).toEqual({ code: 1008, reason: "invalid request frame" });
  });

  it("a pre-auth frame over 64 KiB closes 1009 preauth payload too large", async () => {
    const p = await openProbe(gw.url);
    await p.challenge;
    p.send({ type: "req", id: "x", method: "connect", params: connectParams({ auth, userAgent: "x".repeat(70 * 1024) }) });
    expect(await p.closed).toEqual({ code: 1009, reason: "preauth payload too large" });
  });

  it("silence after the challenge closes 1000 after the handshake timeout", async () => {
    const p = await openProbe(gw.url);
    await p.challenge;
    const t0 = Date.now();
    expect(await p.closed).toEqual({ code: 1000, reason: "" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
});

describe("auth outcomes", () => {
  it("a wrong token: AUTH_TOKEN_MISMATCH, then 1008 with the message", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ auth: { token: "wrong" } }));
    const message = "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)";
    expect(res.error).toEqual({
      code: "INVALID_REQUEST",
      message,
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
    });
    expect(await probe.closed).toEqual({ code: 1008, reason: message });
  });

  it("no auth and no device: device identity required", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams());
    expect(res.error).toEqual({ code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    expect(await probe.closed).toEqual({ code: 1008, reason: "device identity required" });
  });

  it("test/test with a token: hello-ok with no scopes; config.get is FORBIDDEN", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ client: { id: "test", version: "1", platform: "linux", mode: "test" }, auth }));
    expect(res.ok).toBe(true);
    expect(res.payload.auth).toEqual({ method: "token", role: "operator", scopes: [] });
    expect((await probe.request("health", {})).ok).toBe(true);
    const denied = await probe.request("config.get", {});
    expect(denied.error).toEqual({
      code: "FORBIDDEN",
      message: "missing scope: operator.read",
      details: { code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"] },
    });
    probe.close();
  });

  it("gateway-client/backend with a token keeps every requested scope", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ client: { id: "gateway-client", version: "1", platform: "linux", mode: "backend" }, auth }));
    expect(res.payload.auth.scopes).toEqual(["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"]);
    expect((await probe.request("config.get", {})).ok).toBe(true);
    probe.close();
  });

  it("the Control UI without an Origin is refused", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ client: { id: "openclaw-control-ui", version: "1", platform: "linux", mode: "ui" }, auth }));
    const message = "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)";
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message, details: { code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin missing or invalid" } });
    expect(await probe.closed).toEqual({ code: 1008, reason: message });
  });

  it("a foreign Origin is refused even for a cli client", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ auth }), { Origin: "https://evil.example" });
    expect(res.error.details).toEqual({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" });
    await probe.closed;
  });
});

describe("hello-ok", () => {
  it("v4: protocol 4, features, admin snapshot, policy and auth", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ auth }));
    const hello = res.payload;
    expect(hello.type).toBe("hello-ok");
    expect(hello.protocol).toBe(4);
    expect(hello.server).toEqual({ version: expect.any(String), connId: expect.any(String), bootId: expect.any(String) });
    expect(hello.features.methods).toEqual(expect.arrayContaining(["health", "status", "system-presence", "config.get", "config.set", "config.patch", "config.apply", "config.schema", "logs.tail"]));
    expect(hello.features.events).toEqual(expect.arrayContaining(["connect.challenge", "presence", "tick", "health", "shutdown"]));
    expect(hello.policy).toEqual({ maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 });
    expect(hello.snapshot.configPath).toBe(gw.state.configPath);
    expect(hello.snapshot.stateDir).toBe(gw.state.stateDir);
    expect(hello.snapshot.authMode).toBe("token");
    expect(hello.snapshot.sessionDefaults).toEqual({ defaultAgentId: "main", mainKey: "main", mainSessionKey: "agent:main:main", scope: "per-sender" });
    expect(hello.snapshot.presence[0]).toMatchObject({ mode: "gateway", reason: "self" });
    expect(hello.auth).toEqual({ method: "token", role: "operator", scopes: expect.any(Array) });
    probe.close();
  });

  it("v3: protocol 3 and no auth block for a token client", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ minProtocol: 3, maxProtocol: 3, auth }));
    expect(res.payload.protocol).toBe(3);
    expect(res.payload.auth).toBeUndefined();
    probe.close();
  });

  it("a [3,4] client speaks 4; missing scope on v3 is INVALID_REQUEST", async () => {
    const both = await connectProbe(gw.url, connectParams({ minProtocol: 3, maxProtocol: 9, auth }));
    expect(both.res.payload.protocol).toBe(4);
    both.probe.close();
    const v3 = await connectProbe(gw.url, connectParams({ minProtocol: 3, maxProtocol: 3, client: { id: "test", version: "1", platform: "linux", mode: "test" }, auth }));
    const denied = await v3.probe.request("status", {});
    expect(denied.error).toEqual({ code: "INVALID_REQUEST", message: "missing scope: operator.read" });
    v3.probe.close();
  });

  it("non-admin callers do not see configPath/stateDir/authMode", async () => {
    const { probe, res } = await connectProbe(gw.url, connectParams({ scopes: ["operator.read"], auth }));
    expect(res.payload.snapshot.configPath).toBeUndefined();
    expect(res.payload.snapshot.authMode).toBeUndefined();
    probe.close();
  });

  it("connect after the handshake is rejected", async () => {
    const { probe } = await connectProbe(gw.url, connectParams({ auth }));
    const again = await probe.request("connect", connectParams({ auth }));
    expect(again.error).toEqual({ code: "INVALID_REQUEST", message: "connect is only valid as the first request" });
    probe.close();
  });
});
