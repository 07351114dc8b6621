// Device pairing end to end: a remote device (proxied through a trusted proxy, so not local) is
// refused with a request id, an operator approves it, and its device token is rotated, revoked
// and removed. Plus the wire details of v2/v3 signatures and the built CLI's own identity.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DeviceIdentity, generateIdentity, loadOrCreateDeviceIdentity, readDeviceToken } from "../src/client/device-identity.js";
import { connectGateway, type RpcTarget } from "../src/cli/rpc.js";
import { runCli, BIN } from "./helpers/cli-process.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe, openProbe, type Probe } from "./helpers/ws-probe.js";

const REMOTE = { "X-Forwarded-For": "203.0.113.5" };
const READ_WRITE = ["operator.read", "operator.write"];
const running: RunningGateway[] = [];
const probes: Probe[] = [];
afterEach(async () => {
  probes.splice(0).forEach((p) => p.close());
  while (running.length) await running.pop()!.stop();
});

async function start() {
  const gw = await startGateway(localConfig({}, { trustedProxies: ["127.0.0.1"] }));
  running.push(gw);
  return gw;
}

/** A local operator (device-less CLI with the shared token keeps its scopes locally). */
async function operator(gw: RunningGateway, scopes?: string[]) {
  const { probe, res } = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN }, ...(scopes ? { scopes } : {}) }));
  expect(res.ok).toBe(true);
  probes.push(probe);
  return probe;
}

type Over = { auth?: Record<string, string>; scopes?: string[]; platform?: string; version?: "v2" | "v3"; signedAt?: number; publicKey?: string };

/** Connects as `dev`, signing the params by hand (independent of the client's signer). */
async function connectDevice(gw: RunningGateway, dev: DeviceIdentity, over: Over = {}, headers: Record<string, string> = REMOTE) {
  const probe = await openProbe(gw.url, headers);
  probes.push(probe);
  const nonce = (await probe.challenge).payload.nonce;
  const params = connectParams({ client: { id: "cli", version: "1", platform: over.platform ?? "Linux", mode: "cli", deviceFamily: "Server" }, auth: over.auth ?? { token: TEST_TOKEN }, scopes: over.scopes ?? READ_WRITE });
  const signedAt = over.signedAt ?? Date.now();
  const token = params.auth.token ?? params.auth.deviceToken ?? "";
  const base = ["cli", "cli", "operator", params.scopes.join(","), String(signedAt), token, nonce];
  const payload = over.version === "v2" ? ["v2", dev.id, ...base].join("|") : ["v3", dev.id, ...base, params.client.platform.toLowerCase(), "server"].join("|");
  params.device = { id: dev.id, publicKey: over.publicKey ?? dev.publicKey, signature: dev.sign(payload), signedAt, nonce };
  const res = await probe.request("connect", params, "c1");
  return { probe, res };
}

const newDevice = () => new DeviceIdentity(generateIdentity());
const event = (p: Probe, name: string) => p.next((f) => f.type === "event" && f.event === name);
/** An event already received (resolved events go out before the method's own reply). */
const received = (p: Probe, name: string) => p.frames.filter((f) => f.type === "event" && f.event === name).at(-1);

async function pairRemote(gw: RunningGateway, op: Probe, dev: DeviceIdentity, scopes = READ_WRITE) {
  const refused = await connectDevice(gw, dev, { scopes });
  const requestId = refused.res.error.details.requestId;
  expect((await op.request("device.pair.approve", { requestId })).ok).toBe(true);
  const { probe, res } = await connectDevice(gw, dev, { scopes });
  expect(res.ok).toBe(true);
  probe.close();
  await probe.closed;
  return res.payload.auth.deviceToken as string;
}

describe("pairing a remote device", () => {
  it("refuses with a request id, announces it, and after approval the device token alone keeps the scopes", async () => {
    const gw = await start();
    const op = await operator(gw);
    const dev = newDevice();
    const { probe, res } = await connectDevice(gw, dev);
    const requestId = res.error.details.requestId;
    expect(res.error).toEqual({
      code: "NOT_PAIRED",
      message: "pairing required",
      details: { code: "PAIRING_REQUIRED", requestId, reason: "not-paired", approveCommand: `openclaw devices approve ${requestId}` },
    });
    expect(requestId).toMatch(/^[0-9a-z]{8}$/);
    expect(await probe.closed).toEqual({ code: 1008, reason: "pairing required" });

    const requested = await event(op, "device.pair.requested");
    expect(requested.payload).toMatchObject({ requestId, deviceId: dev.id, role: "operator", scopes: READ_WRITE, clientId: "cli", platform: "Linux", remoteAddress: "203.0.113.5", reason: "not-paired" });
    expect(requested.payload.publicKey).toBeUndefined();
    expect(requested.payload.expiresAtMs - requested.payload.createdAtMs).toBe(600_000);
    // A retry reuses the request.
    expect((await connectDevice(gw, dev)).res.error.details.requestId).toBe(requestId);

    const list = await op.request("device.pair.list", {});
    expect(list.payload.pending).toEqual([expect.objectContaining({ requestId, deviceId: dev.id, publicKey: dev.publicKey })]);
    const approved = await op.request("device.pair.approve", { requestId: requestId.toUpperCase() });
    expect(approved.payload).toEqual({ ok: true, requestId, deviceId: dev.id, role: "operator", scopes: READ_WRITE });
    expect(received(op, "device.pair.resolved").payload).toMatchObject({ requestId, deviceId: dev.id, decision: "approved" });

    const again = await connectDevice(gw, dev);
    expect(again.res.ok).toBe(true);
    expect(again.res.payload.auth).toMatchObject({ role: "operator", scopes: READ_WRITE, deviceToken: expect.any(String) });
    const deviceToken = again.res.payload.auth.deviceToken;
    const tokenOnly = await connectDevice(gw, dev, { auth: { deviceToken } });
    expect(tokenOnly.res.ok).toBe(true);
    expect(tokenOnly.res.payload.auth).toMatchObject({ method: "device", scopes: READ_WRITE, deviceToken });
    expect((await tokenOnly.probe.request("status", {})).ok).toBe(true);

    const after = await op.request("device.pair.list", {});
    expect(after.payload.pending).toEqual([]);
    expect(after.payload.paired).toEqual([
      expect.objectContaining({ deviceId: dev.id, clientId: "cli", platform: "Linux", roles: ["operator"], scopes: READ_WRITE, tokens: [{ role: "operator", scopes: READ_WRITE, issuedAtMs: expect.any(Number) }] }),
    ]);
    expect(JSON.stringify(after.payload)).not.toContain(deviceToken);
  });

  it("broader scopes or new metadata need approval again; the device token keeps working after", async () => {
    const gw = await start();
    const op = await operator(gw);
    const dev = newDevice();
    const deviceToken = await pairRemote(gw, op, dev, ["operator.read"]);
    const wider = await connectDevice(gw, dev, { auth: { deviceToken }, scopes: READ_WRITE });
    expect(wider.res.error.details).toMatchObject({ code: "PAIRING_REQUIRED", reason: "scope-upgrade" });
    expect((await connectDevice(gw, dev, { scopes: READ_WRITE })).res.error.details).toMatchObject({ reason: "scope-upgrade", requestId: wider.res.error.details.requestId });
    expect((await op.request("device.pair.approve", { requestId: wider.res.error.details.requestId })).ok).toBe(true);
    const ok = await connectDevice(gw, dev, { auth: { deviceToken }, scopes: READ_WRITE });
    expect(ok.res.payload.auth).toMatchObject({ scopes: READ_WRITE, deviceToken });
    const moved = await connectDevice(gw, dev, { platform: "Darwin" });
    expect(moved.res.error.details.reason).toBe("metadata-upgrade");
    // A different ask from the same device and role replaces its pending request.
    const narrower = await connectDevice(gw, dev, { platform: "Darwin", scopes: ["operator.read"] });
    const pending = (await op.request("device.pair.list", {})).payload.pending;
    expect(pending.map((r: { requestId: string }) => r.requestId)).toEqual([narrower.res.error.details.requestId]);
  });

  it("reject resolves the request; operators cannot approve scopes they lack", async () => {
    const gw = await start();
    const op = await operator(gw);
    const dev = newDevice();
    const requestId = (await connectDevice(gw, dev)).res.error.details.requestId;
    expect((await op.request("device.pair.reject", { requestId })).payload).toEqual({ ok: true, requestId, deviceId: dev.id });
    expect(received(op, "device.pair.resolved").payload).toMatchObject({ requestId, decision: "rejected" });
    const gone = await op.request("device.pair.approve", { requestId });
    expect(gone.error).toEqual({ code: "INVALID_REQUEST", message: `unknown or expired pairing request: ${requestId} (see pending requests with: openclaw devices list)` });

    const pairingOnly = await operator(gw, ["operator.pairing"]);
    const adminAsk = (await connectDevice(gw, newDevice(), { scopes: ["operator.admin"] })).res.error.details.requestId;
    const denied = await pairingOnly.request("device.pair.approve", { requestId: adminAsk });
    expect(denied.error.message).toBe("cannot approve scopes you do not hold: operator.admin");
    const reader = await operator(gw, ["operator.read"]);
    expect((await reader.request("device.pair.list", {})).error.message).toMatch(/missing scope: operator\.pairing/);
    await connectDevice(gw, newDevice());
    await expect(reader.next((f) => f.event === "device.pair.requested", 300)).rejects.toThrow();
  });
});

describe("device tokens", () => {
  it("rotate closes only the sockets on the old token (4001); the new token works, the old one does not", async () => {
    const gw = await start();
    const op = await operator(gw);
    const dev = newDevice();
    const oldToken = await pairRemote(gw, op, dev);
    const onOld = await connectDevice(gw, dev, { auth: { deviceToken: oldToken } });
    const onShared = await connectDevice(gw, dev);
    const rotated = await op.request("device.token.rotate", { deviceId: dev.id, role: "operator" });
    expect(rotated.payload).toMatchObject({ deviceId: dev.id, role: "operator", scopes: READ_WRITE, token: expect.any(String), issuedAtMs: expect.any(Number) });
    expect(await onOld.probe.closed).toEqual({ code: 4001, reason: "device token rotated" });
    expect((await onShared.probe.request("health", {})).ok).toBe(true);
    expect((await connectDevice(gw, dev, { auth: { deviceToken: rotated.payload.token } })).res.ok).toBe(true);
    const stale = await connectDevice(gw, dev, { auth: { deviceToken: oldToken } });
    expect(stale.res.error).toMatchObject({ message: "unauthorized: device token mismatch (rotate/reissue device token)", details: { code: "AUTH_DEVICE_TOKEN_MISMATCH" } });
  });

  it("revoke closes the device's sockets in that role and the token fails; remove forgets the device", async () => {
    const gw = await start();
    const op = await operator(gw);
    const dev = newDevice();
    const token = await pairRemote(gw, op, dev);
    const live = await connectDevice(gw, dev, { auth: { deviceToken: token } });
    expect((await op.request("device.token.revoke", { deviceId: dev.id, role: "operator" })).payload).toMatchObject({ ok: true, closed: 1 });
    expect(await live.probe.closed).toEqual({ code: 1008, reason: "device token revoked" });
    expect((await connectDevice(gw, dev, { auth: { deviceToken: token } })).res.error.message).toBe("unauthorized: device token mismatch (rotate/reissue device token)");
    expect((await op.request("device.token.revoke", { deviceId: dev.id, role: "operator" })).error.message).toMatch(/has no operator token/);

    const onShared = await connectDevice(gw, dev);
    expect(onShared.res.ok).toBe(true);
    expect((await op.request("device.pair.remove", { deviceId: dev.id })).payload).toEqual({ ok: true, deviceId: dev.id, closed: 1 });
    expect(await onShared.probe.closed).toEqual({ code: 1008, reason: "device removed" });
    expect((await op.request("device.pair.list", {})).payload.paired).toEqual([]);
    expect((await connectDevice(gw, dev)).res.error.details.reason).toBe("not-paired");
    for (const [method, params] of [["device.pair.remove", { deviceId: "f".repeat(64) }], ["device.token.rotate", { deviceId: "f".repeat(64), role: "operator" }]] as const) {
      expect((await op.request(method, params)).error).toEqual({ code: "INVALID_REQUEST", message: `unknown device: ${"f".repeat(64)} (see paired devices with: openclaw devices list)` });
    }
  });
});

describe("device signatures", () => {
  it("v2 and v3 payloads are both accepted (local: paired silently)", async () => {
    const gw = await start();
    for (const version of ["v2", "v3"] as const) {
      const { res } = await connectDevice(gw, newDevice(), { version }, {});
      expect(res.ok).toBe(true);
      expect(res.payload.auth.deviceToken).toEqual(expect.any(String));
    }
  });

  it("a signature from 3 minutes ago is expired; a bad public key is refused", async () => {
    const gw = await start();
    const stale = await connectDevice(gw, newDevice(), { signedAt: Date.now() - 180_000 }, {});
    expect(stale.res.error).toEqual({ code: "INVALID_REQUEST", message: "device signature expired", details: { code: "DEVICE_AUTH_SIGNATURE_EXPIRED", reason: "device-signature-stale" } });
    const bad = await connectDevice(gw, newDevice(), { publicKey: "not-a-key" }, {});
    expect(bad.res.error).toEqual({ code: "INVALID_REQUEST", message: "device public key invalid", details: { code: "DEVICE_AUTH_PUBLIC_KEY_INVALID", reason: "device-public-key" } });
    expect(await bad.probe.closed).toMatchObject({ code: 1008 });
  });
});

describe("the CLI's connect (in process)", () => {
  it("signs with the CLI's identity, keeps the device token per URL and uses it when no shared secret is set", async () => {
    const gw = await start();
    const stateDir = path.join(gw.state.root, "cli-state");
    const target: RpcTarget = { url: gw.url, explicitUrl: true, timeoutMs: 5000, source: "none", stateDir };
    const first = await connectGateway({ ...target, source: "flags", token: TEST_TOKEN });
    expect(first.hello.auth).toMatchObject({ method: "token", scopes: expect.arrayContaining(["operator.admin", "operator.pairing"]) });
    await first.close();
    const self = await loadOrCreateDeviceIdentity(stateDir);
    expect(readDeviceToken(stateDir, gw.url, self.id)).toMatchObject({ token: first.deviceAuth!.deviceToken });
    const second = await connectGateway(target);
    expect(second.hello.auth).toMatchObject({ method: "device", deviceToken: first.deviceAuth!.deviceToken });
    await second.close();
    const op = await operator(gw);
    await op.request("device.token.revoke", { deviceId: self.id, role: "operator" });
    await expect(connectGateway(target)).rejects.toThrow(/device token mismatch .*pass --token \(the gateway's token\) to get a new one/);
    expect(readDeviceToken(stateDir, gw.url, self.id)).toBeUndefined();
  });

  it("an identity whose key cannot sign fails the connect with one line instead of crashing", async () => {
    const gw = await start();
    const stateDir = path.join(gw.state.root, "cli-bad");
    const self = await loadOrCreateDeviceIdentity(stateDir);
    const file = path.join(stateDir, "identity", "device.json");
    fs.writeFileSync(file, JSON.stringify({ ...self.stored, privateKeyPem: "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n" }));
    const target: RpcTarget = { url: gw.url, explicitUrl: true, timeoutMs: 5000, source: "flags", token: TEST_TOKEN, stateDir };
    await expect(connectGateway(target)).rejects.toThrow(/^could not sign the connect with this device identity: .* \(gateway at ws:/);
  });
});

describe("the CLI's own device (built CLI)", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    const dist = path.join(path.dirname(BIN), "..", "dist");
    // Build only when dist/ predates this feature (other runs may be benchmarking dist/).
    const chunks = path.join(dist, "chunks");
    const built = fs.existsSync(chunks) && fs.readdirSync(chunks).some((f) => f.startsWith("devices-") && fs.readFileSync(path.join(chunks, f), "utf8").includes("device.token.rotate"));
    if (!built) execFileSync("npm", ["run", "build"], { cwd: path.join(path.dirname(BIN), ".."), stdio: "ignore" });
    gw = await startGateway(localConfig());
  }, 120_000);
  afterAll(async () => gw?.stop());

  it("pairs silently on its first command, lists itself, then connects with its saved device token", async () => {
    const url = `ws://127.0.0.1:${gw.gateway.port}`;
    expect((await runCli(["health", "--url", url, "--token", TEST_TOKEN], gw.state.env)).code).toBe(0);
    const list = await runCli(["devices", "list", "--url", url, "--token", TEST_TOKEN], gw.state.env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ {2}[0-9a-f]{12} {2}cli .*roles=operator .*\(this device\)$/m);
    const tokenOnly = await runCli(["devices", "list", "--url", url, "--json"], gw.state.env);
    expect(tokenOnly.code).toBe(0);
    expect(JSON.parse(tokenOnly.stdout).paired).toHaveLength(1);
    const bad = await runCli(["devices", "approve", "zzzzzzzz", "--url", url], gw.state.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("unknown or expired pairing request: zzzzzzzz (see pending requests with: openclaw devices list)");
  }, 60_000);
});
