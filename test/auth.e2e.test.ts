// Auth modes, the failed-attempt limiter (WS close and HTTP 429), the pre-auth socket budget,
// device identity proofs and silent local pairing.
import { generateKeyPairSync, sign, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe, openProbe } from "./helpers/ws-probe.js";

const running: RunningGateway[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});
async function start(config: unknown) {
  const gw = await startGateway(config);
  running.push(gw);
  return gw;
}

describe("password mode", () => {
  it("accepts the password and rejects a wrong one", async () => {
    const gw = await start(localConfig({}, { auth: { mode: "password", password: "s3cret-pass" } }));
    const ok = await connectProbe(gw.url, connectParams({ auth: { password: "s3cret-pass" } }));
    expect(ok.res.ok).toBe(true);
    ok.probe.close();
    const bad = await connectProbe(gw.url, connectParams({ auth: { password: "nope" } }));
    expect(bad.res.error.details.code).toBe("AUTH_PASSWORD_MISMATCH");
    expect(bad.res.error.message).toMatch(/^unauthorized: gateway password mismatch/);
    expect((await bad.probe.closed).code).toBe(1008);
  });
});

describe("mode none", () => {
  it("lets a device-less client in; scopes follow the same rule as token clients", async () => {
    const gw = await start(localConfig({}, { auth: { mode: "none" } }));
    const cli = await connectProbe(gw.url, connectParams());
    expect(cli.res.ok).toBe(true);
    expect(cli.res.payload.auth.method).toBe("none");
    expect(cli.res.payload.auth.scopes.length).toBeGreaterThan(0);
    cli.probe.close();
  });
});

describe("failed-attempt limiter", () => {
  it("locks an IP out after maxAttempts: WS gets AUTH_RATE_LIMITED; a locked-out bearer sees no /ready details", async () => {
    const gw = await start(localConfig({}, { auth: { mode: "token", token: TEST_TOKEN, rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false } } }));
    for (let i = 0; i < 3; i++) {
      const r = await connectProbe(gw.url, connectParams({ auth: { token: `wrong-${i}` } }));
      expect(r.res.error.details.code).toBe("AUTH_TOKEN_MISMATCH");
      await r.probe.closed;
    }
    const limited = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN } }));
    expect(limited.res.error.message).toBe("unauthorized: too many failed authentication attempts (retry later)");
    expect(limited.res.error.details.code).toBe("AUTH_RATE_LIMITED");
    expect(limited.res.error.retryAfterMs).toBeGreaterThan(0);
    expect((await limited.probe.closed).code).toBe(1008);
    const http = await fetch(`${gw.httpUrl}/ready`, { headers: { Authorization: `Bearer ${TEST_TOKEN}`, "X-Forwarded-For": "203.0.113.9" } });
    // With proxy headers the caller is not local, so details need the bearer, and this IP is locked out.
    expect(http.status).toBe(200);
    expect(await http.json()).toEqual({ ready: true });
  });

  it("loopback is exempt by default", async () => {
    const gw = await start(localConfig());
    for (let i = 0; i < 12; i++) {
      const r = await connectProbe(gw.url, connectParams({ auth: { token: "wrong" } }));
      expect(r.res.error.details.code).toBe("AUTH_TOKEN_MISMATCH");
      await r.probe.closed;
    }
    const ok = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN } }));
    expect(ok.res.ok).toBe(true);
    ok.probe.close();
  });
});

describe("pre-auth socket budget", () => {
  it("the 33rd unauthenticated socket from one IP gets 503 Too many unauthenticated sockets", async () => {
    const gw = await start(localConfig());
    const probes = await Promise.all(Array.from({ length: 32 }, () => openProbe(gw.url)));
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(gw.gateway.port, "127.0.0.1", () => {
        s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      let buf = "";
      s.on("data", (d) => (buf += d));
      s.on("close", () => resolve(buf));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    expect(reply).toContain("Too many unauthenticated sockets");
    // Authenticating one frees a slot.
    const first = probes[0]!;
    await first.challenge;
    await first.request("connect", connectParams({ auth: { token: TEST_TOKEN } }));
    const again = await openProbe(gw.url);
    expect((await again.challenge).event).toBe("connect.challenge");
    for (const p of [...probes, again]) p.close();
  });
});

function deviceIdentity() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return { id: createHash("sha256").update(raw).digest("hex"), publicKey: raw.toString("base64url"), privateKey };
}

function signedConnect(dev: ReturnType<typeof deviceIdentity>, nonce: string, over: Record<string, any> = {}) {
  const params = connectParams({ client: { id: "openclaw-macos", version: "1", platform: "macOS", mode: "ui", deviceFamily: "Mac" }, auth: { token: TEST_TOKEN }, ...over });
  const signedAt = Date.now();
  const payload = ["v3", dev.id, params.client.id, params.client.mode, params.role, params.scopes.join(","), String(signedAt), params.auth?.token ?? "", nonce, "macos", "mac"].join("|");
  const signature = sign(null, Buffer.from(payload), dev.privateKey).toString("base64url");
  return { ...params, device: { id: dev.id, publicKey: dev.publicKey, signature, signedAt, nonce } };
}

describe("device identity", () => {
  it("a local signed device is paired silently, gets its scopes and a device token", async () => {
    const gw = await start(localConfig());
    const dev = deviceIdentity();
    const p = await openProbe(gw.url);
    const ch = await p.challenge;
    const res = await p.request("connect", signedConnect(dev, ch.payload.nonce, { client: { id: "node-host", version: "1", platform: "macOS", mode: "backend", deviceFamily: "Mac" } }));
    expect(res.ok).toBe(true);
    expect(res.payload.auth).toMatchObject({ role: "operator", deviceToken: expect.any(String), scopes: expect.arrayContaining(["operator.admin"]) });
    expect((await p.request("config.get", {})).ok).toBe(true);
    p.close();
  });

  it("a wrong nonce, a bad signature and a mismatched id get the reference's device errors", async () => {
    const gw = await start(localConfig());
    const dev = deviceIdentity();
    const cases: [Record<string, any>, string, string][] = [];
    {
      const p = await openProbe(gw.url);
      await p.challenge;
      const res = await p.request("connect", signedConnect(dev, "not-the-nonce", { client: { id: "node-host", version: "1", platform: "macOS", mode: "backend", deviceFamily: "Mac" } }));
      cases.push([res.error, "device nonce mismatch", "DEVICE_AUTH_NONCE_MISMATCH"]);
      expect((await p.closed).code).toBe(1008);
    }
    {
      const p = await openProbe(gw.url);
      const ch = await p.challenge;
      const params = signedConnect(dev, ch.payload.nonce, { client: { id: "node-host", version: "1", platform: "macOS", mode: "backend", deviceFamily: "Mac" } });
      params.device.signature = Buffer.alloc(64).toString("base64url");
      const res = await p.request("connect", params);
      cases.push([res.error, "device signature invalid", "DEVICE_AUTH_SIGNATURE_INVALID"]);
    }
    {
      const p = await openProbe(gw.url);
      const ch = await p.challenge;
      const params = signedConnect(dev, ch.payload.nonce, { client: { id: "node-host", version: "1", platform: "macOS", mode: "backend", deviceFamily: "Mac" } });
      params.device.id = "0".repeat(64);
      const res = await p.request("connect", params);
      cases.push([res.error, "device identity mismatch", "DEVICE_AUTH_DEVICE_ID_MISMATCH"]);
    }
    for (const [error, message, code] of cases) {
      expect(error.message).toBe(message);
      expect(error.details.code).toBe(code);
    }
  });

  it("a node role without a device is refused", async () => {
    const gw = await start(localConfig());
    const r = await connectProbe(gw.url, connectParams({ role: "node", client: { id: "node-host", version: "1", platform: "linux", mode: "node" }, auth: { token: TEST_TOKEN } }));
    expect(r.res.error).toEqual({ code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } });
  });
});

describe("Origin check (gateway.controlUi.allowedOrigins)", () => {
  const auth = { token: TEST_TOKEN };
  const PROXIED = { "X-Forwarded-For": "203.0.113.8" };

  it("accepts a listed origin and refuses others; '*' accepts any", async () => {
    const gw = await start(localConfig({}, { controlUi: { allowedOrigins: ["https://ui.example.com"] } }));
    const ok = await connectProbe(gw.url, connectParams({ auth }), { Origin: "https://ui.example.com" });
    expect(ok.res.ok).toBe(true);
    ok.probe.close();
    const bad = await connectProbe(gw.url, connectParams({ auth }), { Origin: "https://ui.example.com.evil.net" });
    expect(bad.res.error.details).toEqual({ code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" });
    expect((await bad.probe.closed).code).toBe(1008);

    const any = await start(localConfig({}, { controlUi: { allowedOrigins: ["*"] } }));
    const r = await connectProbe(any.url, connectParams({ auth }), { Origin: "https://anything.example" });
    expect(r.res.ok).toBe(true);
    r.probe.close();
  });

  it("a loopback origin passes only on a local socket, not when the request was forwarded", async () => {
    const gw = await start(localConfig({}, { trustedProxies: ["127.0.0.1"] }));
    const local = await connectProbe(gw.url, connectParams({ auth }), { Origin: "http://127.0.0.1:5173" });
    expect(local.res.ok).toBe(true);
    local.probe.close();
    const forwarded = await connectProbe(gw.url, connectParams({ auth }), { Origin: "http://localhost:5173", ...PROXIED });
    expect(forwarded.res.error.details.code).toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED");
  });

  it("the Host-header fallback accepts an origin whose host equals the Host header only when enabled", async () => {
    const headers = { Origin: "https://gw.example.com", Host: "gw.example.com" };
    const off = await start(localConfig());
    expect((await connectProbe(off.url, connectParams({ auth }), headers)).res.error.details.code).toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED");
    const on = await start(localConfig({}, { controlUi: { dangerouslyAllowHostHeaderOriginFallback: true } }));
    const r = await connectProbe(on.url, connectParams({ auth }), headers);
    expect(r.res.ok).toBe(true);
    r.probe.close();
  });
});

describe("forwarded headers from an untrusted peer", () => {
  it("never make a client local: a new device needs pairing, and the reference's warning is logged", async () => {
    const gw = await start(localConfig());
    const dev = deviceIdentity();
    const nodeHost = { client: { id: "node-host", version: "1", platform: "macOS", mode: "backend", deviceFamily: "Mac" } };
    // Claims to be a local client behind a proxy; nothing lists this peer as a proxy.
    const p = await openProbe(gw.url, { "X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1" });
    const ch = await p.challenge;
    const res = await p.request("connect", signedConnect(dev, ch.payload.nonce, nodeHost));
    expect(res.error).toMatchObject({ code: "NOT_PAIRED", message: "pairing required", details: { code: "PAIRING_REQUIRED", reason: "not-paired" } });
    expect((await p.closed).code).toBe(1008);
    // The same device without the forged headers is local and pairs silently.
    const direct = await openProbe(gw.url);
    const ch2 = await direct.challenge;
    expect((await direct.request("connect", signedConnect(dev, ch2.payload.nonce, nodeHost))).ok).toBe(true);
    direct.close();
    await gw.gateway.logger.flush();
    const logs = (await fs.readdir(gw.state.logDir)).map((f) => readFileSync(path.join(gw.state.logDir, f), "utf8")).join("\n");
    expect(logs).toContain("Proxy headers detected from untrusted address. Connection will not be treated as local. Configure gateway.trustedProxies to restore local client detection behind your proxy.");
  });
});

describe("trusted-proxy auth mode", () => {
  const tpConfig = (trustedProxy: Record<string, unknown>, trustedProxies: string[]) =>
    localConfig(
      {},
      { auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user", ...trustedProxy } }, trustedProxies, http: { endpoints: { chatCompletions: { enabled: true } } } },
    );
  const user = { "X-Forwarded-For": "203.0.113.20", "X-Forwarded-User": "ana@example.com", "X-Forwarded-Proto": "https" };
  const reasonOf = (r: { res: any }) => r.res.error?.details?.authReason;

  it("a proxy inside a v4 or v6 CIDR range with allowLoopback asserts the user; requiredHeaders and allowUsers are enforced", async () => {
    const gw = await start(tpConfig({ requiredHeaders: ["x-forwarded-proto"], allowUsers: ["ana@example.com"], allowLoopback: true }, ["127.0.0.0/8", "::1/128"]));
    const v4 = await connectProbe(gw.url, connectParams(), user);
    expect(v4.res.ok).toBe(true);
    expect(v4.res.payload.auth.method).toBe("trusted-proxy");
    v4.probe.close();
    const v6 = await connectProbe(`ws://[::1]:${gw.gateway.port}`, connectParams(), user);
    expect(v6.res.ok).toBe(true);
    v6.probe.close();
    const noProto = await connectProbe(gw.url, connectParams(), { "X-Forwarded-For": "203.0.113.20", "X-Forwarded-User": "ana@example.com" });
    expect(noProto.res.error).toMatchObject({ code: "INVALID_REQUEST", message: "unauthorized" });
    expect(reasonOf(noProto)).toBe("trusted_proxy_identity_missing");
    const eve = await connectProbe(gw.url, connectParams(), { ...user, "X-Forwarded-User": "eve@example.com" });
    expect(reasonOf(eve)).toBe("trusted_proxy_user_not_allowed");
    expect((await eve.probe.closed).code).toBe(1008);
    // HTTP takes the same identity instead of a bearer (and /ready shows its details to it).
    expect((await fetch(`${gw.httpUrl}/v1/models`, { headers: user })).status).toBe(200);
    expect(Object.keys((await (await fetch(`${gw.httpUrl}/ready`, { headers: user })).json()) as object)).toContain("uptimeMs");
    expect(await (await fetch(`${gw.httpUrl}/ready`, { headers: { ...user, "X-Forwarded-User": "eve@example.com" } })).json()).toEqual({ ready: true });
    expect((await fetch(`${gw.httpUrl}/v1/models`, { headers: { ...user, "X-Forwarded-User": "eve@example.com" } })).status).toBe(401);
  });

  it("identity headers from a peer outside trustedProxies, or from loopback without allowLoopback, are ignored", async () => {
    const outside = await start(tpConfig({ allowLoopback: true }, ["10.0.0.0/8", "fd00::/8"]));
    const r1 = await connectProbe(outside.url, connectParams(), user);
    expect(reasonOf(r1)).toBe("trusted_proxy_untrusted_source");
    expect((await fetch(`${outside.httpUrl}/v1/models`, { headers: user })).status).toBe(401);
    const loopback = await start(tpConfig({}, ["127.0.0.1"]));
    const r2 = await connectProbe(loopback.url, connectParams(), user);
    expect(reasonOf(r2)).toBe("trusted_proxy_loopback_source");
    expect((await fetch(`${loopback.httpUrl}/v1/models`, { headers: user })).status).toBe(401);
  });
});
