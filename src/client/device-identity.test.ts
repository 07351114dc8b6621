import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyDeviceIdentity } from "../gateway/auth/device-signature.js";
import { deviceAuthPayload } from "../gateway/devices/device-auth-payload.js";
import type { ConnectParams } from "../protocol/frames.js";
import {
  gatewayKey,
  identityFiles,
  loadOrCreateDeviceIdentity,
  readDeviceToken,
  saveDeviceToken,
  signConnectDevice,
} from "./device-identity.js";

let stateDir: string;
beforeEach(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), "device-identity-"));
});
afterEach(async () => {
  await fs.rm(stateDir, { recursive: true, force: true });
});

const params = (over: Partial<ConnectParams> = {}): ConnectParams => ({
  minProtocol: 3,
  maxProtocol: 4,
  client: { id: "cli", version: "1.0.0", platform: " Linux ", mode: "cli", deviceFamily: "Server" },
  role: "operator",
  scopes: ["operator.admin", "operator.read"],
  auth: { token: "shared" },
  ...over,
});

describe("device identity file", () => {
  it("is created once (0600 in a 0700 dir) and reloaded with the same id", async () => {
    const first = await loadOrCreateDeviceIdentity(stateDir, 1234);
    const files = identityFiles(stateDir);
    expect((await fs.stat(files.identity)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(files.dir)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(await fs.readFile(files.identity, "utf8"));
    expect(stored).toMatchObject({ deviceId: first.id, publicKey: first.publicKey, createdAtMs: 1234 });
    expect(stored.privateKeyPem).toContain("BEGIN PRIVATE KEY");
    expect(first.id).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(first.publicKey, "base64url")).toHaveLength(32);
    const again = await loadOrCreateDeviceIdentity(stateDir);
    expect(again.id).toBe(first.id);
  });

  it("concurrent first runs agree on one identity", async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateDeviceIdentity(stateDir)));
    expect(new Set(ids.map((i) => i.id)).size).toBe(1);
  });

  it("an unreadable file is moved aside and replaced", async () => {
    const files = identityFiles(stateDir);
    await fs.mkdir(files.dir, { recursive: true });
    await fs.writeFile(files.identity, "{not json");
    const identity = await loadOrCreateDeviceIdentity(stateDir, 99);
    expect(identity.replacedFile).toBe(`${files.identity}.invalid-99`);
    expect(await fs.readFile(identity.replacedFile!, "utf8")).toBe("{not json");
  });
});

describe("signConnect", () => {
  it("produces a v3 signature the gateway's verifier accepts", async () => {
    const identity = await loadOrCreateDeviceIdentity(stateDir);
    const p = params();
    p.device = identity.signConnect(p, "nonce-1");
    expect(verifyDeviceIdentity(p, "operator", "nonce-1")).toEqual({ deviceId: identity.id, publicKeyRaw: identity.publicKey });
  });

  it("signs exactly the v3 payload string (platform and family trimmed and lowercased; token first of token/deviceToken)", async () => {
    const seen: string[] = [];
    const signer = { id: "dev", publicKey: "pk", sign: (payload: string) => (seen.push(payload), "sig") };
    const device = signConnectDevice(params({ auth: { deviceToken: "dt" } }), "n", signer, 42);
    expect(device).toEqual({ id: "dev", publicKey: "pk", signature: "sig", signedAt: 42, nonce: "n" });
    expect(seen[0]).toBe("v3|dev|cli|cli|operator|operator.admin,operator.read|42|dt|n|linux|server");
    expect(seen[0]).toBe(
      deviceAuthPayload("v3", { deviceId: "dev", clientId: "cli", clientMode: "cli", role: "operator", scopes: ["operator.admin", "operator.read"], signedAtMs: 42, token: "dt", nonce: "n", platform: "Linux", deviceFamily: "SERVER" }),
    );
  });

  it("a signature over other params is refused", async () => {
    const identity = await loadOrCreateDeviceIdentity(stateDir);
    const p = params();
    p.device = identity.signConnect(p, "nonce-1");
    p.scopes = ["operator.admin", "operator.read", "operator.pairing"];
    expect(() => verifyDeviceIdentity(p, "operator", "nonce-1")).toThrow("device signature invalid");
  });
});

describe("device tokens per gateway", () => {
  it("are saved 0600 per URL, ignored for another identity, and forgotten on request", async () => {
    const url = "ws://127.0.0.1:18789";
    expect(await saveDeviceToken(stateDir, url, { deviceId: "d1", role: "operator", token: "t1", scopes: ["operator.read"], issuedAtMs: 5 })).toBe(true);
    expect(await saveDeviceToken(stateDir, `${url}/`, { deviceId: "d1", role: "operator", token: "t1" })).toBe(false);
    expect((await fs.stat(identityFiles(stateDir).tokens)).mode & 0o777).toBe(0o600);
    expect(readDeviceToken(stateDir, `${url}/`, "d1")).toMatchObject({ token: "t1", scopes: ["operator.read"], issuedAtMs: 5 });
    expect(readDeviceToken(stateDir, url, "d2")).toBeUndefined();
    expect(readDeviceToken(stateDir, "ws://127.0.0.1:1", "d1")).toBeUndefined();
    expect(await saveDeviceToken(stateDir, url, { deviceId: "d1", role: "operator" })).toBe(true);
    expect(readDeviceToken(stateDir, url, "d1")).toBeUndefined();
  });

  it("keys gateways by normalised URL", () => {
    expect(gatewayKey("WS://LocalHost:18789/")).toBe("ws://localhost:18789");
    expect(gatewayKey("wss://gw.example.com/ws")).toBe("wss://gw.example.com/ws");
  });
});
