import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeviceStore, type PairInput } from "./device-store.js";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "device-store-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const ID = "b".repeat(64);
const pairInput = (over: Partial<PairInput> = {}): PairInput => ({
  deviceId: ID,
  publicKey: "pk",
  clientId: "openclaw-macos",
  platform: "macOS",
  deviceFamily: "Mac",
  role: "operator",
  scopes: ["operator.read"],
  ...over,
});

describe("DeviceStore", () => {
  it("pairs, keeps a token's value when its scopes widen, and persists 0600", async () => {
    const store = new DeviceStore(dir);
    const t1 = await store.pair(pairInput());
    const t2 = await store.pair(pairInput({ scopes: ["operator.read", "operator.write"] }));
    expect(t2.token).toBe(t1.token);
    expect(t2.scopes).toEqual(["operator.read", "operator.write"]);
    expect((await fs.stat(store.file)).mode & 0o777).toBe(0o600);
    const reloaded = new DeviceStore(dir);
    expect(await reloaded.verifyToken(ID, "operator", t1.token)).toMatchObject({ scopes: ["operator.read", "operator.write"] });
    expect(await reloaded.verifyToken(ID, "operator", "nope")).toBeUndefined();
    expect(await reloaded.verifyToken(ID, "node", t1.token)).toBeUndefined();
  });

  it("does not rewrite the file for an unchanged pairing", async () => {
    const store = new DeviceStore(dir);
    await store.pair(pairInput());
    const before = (await fs.stat(store.file)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await store.pair(pairInput());
    expect((await fs.stat(store.file)).mtimeMs).toBe(before);
  });

  it("approving new metadata updates platform and family", async () => {
    const store = new DeviceStore(dir);
    await store.pair(pairInput());
    const { deviceFamily: _family, ...withoutFamily } = pairInput({ platform: "iOS" });
    await store.pair(withoutFamily);
    const dev = await store.get(ID);
    expect(dev).toMatchObject({ platform: "iOS" });
    expect(dev?.deviceFamily).toBeUndefined();
  });

  it("rotates, revokes and removes", async () => {
    const store = new DeviceStore(dir);
    const old = await store.pair(pairInput());
    const rotated = await store.rotateToken(ID, "operator");
    expect(rotated?.token).not.toBe(old.token);
    expect(rotated?.scopes).toEqual(["operator.read"]);
    expect(await store.verifyToken(ID, "operator", old.token)).toBeUndefined();
    expect(await store.rotateToken(ID, "node")).toBeUndefined();
    expect(await store.revokeToken(ID, "operator")).toMatchObject({ token: rotated!.token });
    expect(await store.revokeToken(ID, "operator")).toBeUndefined();
    expect((await store.get(ID))?.roles).toEqual(["operator"]);
    // A revoked role can be issued a token again by rotating.
    expect(await store.rotateToken(ID, "operator")).toMatchObject({ scopes: ["operator.read"] });
    await store.pending.upsert({ deviceId: ID, publicKey: "pk", role: "node", scopes: [], clientId: "node-host", clientMode: "node", platform: "macOS", remoteAddress: "x", reason: "role-upgrade" });
    expect(await store.remove(ID)).toMatchObject({ deviceId: ID });
    expect(await store.remove(ID)).toBeUndefined();
    expect(await store.pending.list()).toEqual([]);
    expect(await new DeviceStore(dir).list()).toEqual([]);
  });

  it("serialises concurrent writes and leaves no temp files", async () => {
    const store = new DeviceStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.pair(pairInput({ deviceId: String(i % 10).repeat(64) }))));
    const data = JSON.parse(await fs.readFile(store.file, "utf8"));
    expect(Object.keys(data.devices)).toHaveLength(10);
    expect((await fs.readdir(path.dirname(store.file))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
