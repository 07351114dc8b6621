// Auth modes, the failed-attempt limiter (WS close and HTTP 429), the pre-auth socket budget,
// device identity proofs and silent local pairing.
import { generateKeyPairSync, sign, createHash } from "node:crypto";
import net from "node:net";
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
