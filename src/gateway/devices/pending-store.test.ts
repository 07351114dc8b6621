import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newRequestId, normalizeRequestId, PendingPairingStore, PENDING_TTL_MS, type PairingRequestInput } from "./pending-store.js";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pending-store-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function input(over: Partial<PairingRequestInput> = {}): PairingRequestInput {
  return {
    deviceId: "a".repeat(64),
    publicKey: "pk",
    role: "operator",
    scopes: ["operator.read"],
    clientId: "cli",
    clientMode: "cli",
    platform: "linux",
    remoteAddress: "203.0.113.5",
    reason: "not-paired",
    ...over,
  };
}

describe("request ids", () => {
  it("are 8 characters of Crockford base32 and tolerate how people type them", () => {
    for (let i = 0; i < 50; i++) expect(newRequestId()).toMatch(/^[0-9a-hjkmnp-tv-z]{8}$/);
    expect(normalizeRequestId("  AB1O0LIx ")).toBe("ab10011x");
  });
});

describe("PendingPairingStore", () => {
  it("reuses the request for the same device, role and scopes; a different ask replaces it", async () => {
    const store = new PendingPairingStore(path.join(dir, "pending.json"));
    const first = await store.upsert(input());
    expect(first.created).toBe(true);
    const again = await store.upsert(input({ scopes: ["operator.read"], remoteAddress: "203.0.113.6" }));
    expect(again).toMatchObject({ created: false, request: { requestId: first.request.requestId, remoteAddress: "203.0.113.6" } });
    const other = await store.upsert(input({ role: "node", scopes: [] }));
    expect(other.created).toBe(true);
    const wider = await store.upsert(input({ scopes: ["operator.read", "operator.write"] }));
    expect(wider.created).toBe(true);
    expect(await store.get(first.request.requestId)).toBeUndefined();
    expect((await store.list()).map((r) => r.requestId).sort()).toEqual([other.request.requestId, wider.request.requestId].sort());
  });

  it("persists atomically with mode 0600 and reloads; ids are matched case-insensitively", async () => {
    const file = path.join(dir, "devices", "pending.json");
    const { request } = await new PendingPairingStore(file).upsert(input());
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.readdir(path.dirname(file))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const reloaded = new PendingPairingStore(file);
    expect(await reloaded.get(request.requestId.toUpperCase())).toMatchObject({ deviceId: request.deviceId, publicKey: "pk" });
  });

  it("expires requests after 10 minutes and prunes them", async () => {
    let now = 1_000_000;
    const store = new PendingPairingStore(path.join(dir, "pending.json"), { now: () => now });
    const { request } = await store.upsert(input());
    expect(request.expiresAtMs - request.createdAtMs).toBe(PENDING_TTL_MS);
    now += PENDING_TTL_MS - 1;
    expect(await store.get(request.requestId)).toBeDefined();
    now += 1;
    expect(await store.get(request.requestId)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, "pending.json"), "utf8"));
    expect(onDisk.requests).toEqual([]);
  });

  it("a retrying device keeps its request alive", async () => {
    let now = 1_000_000;
    const store = new PendingPairingStore(path.join(dir, "pending.json"), { now: () => now });
    const { request } = await store.upsert(input());
    now += PENDING_TTL_MS - 1000;
    const again = await store.upsert(input());
    expect(again.request.requestId).toBe(request.requestId);
    expect(again.request.expiresAtMs).toBe(now + PENDING_TTL_MS);
  });

  it("keeps at most `max` requests, dropping the oldest", async () => {
    let now = 1_000;
    const store = new PendingPairingStore(path.join(dir, "pending.json"), { max: 3, now: () => now++ });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await store.upsert(input({ deviceId: String(i).repeat(64) }))).request.requestId);
    expect((await store.list()).map((r) => r.requestId)).toEqual(ids.slice(2));
  });

  it("take() hands a request out once; removeDevice drops a device's requests", async () => {
    const store = new PendingPairingStore(path.join(dir, "pending.json"));
    const { request } = await store.upsert(input());
    const [a, b] = await Promise.all([store.take(request.requestId), store.take(request.requestId)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    await store.upsert(input());
    await store.upsert(input({ role: "node", scopes: [] }));
    expect(await store.removeDevice("a".repeat(64))).toBe(2);
    expect(await store.list()).toEqual([]);
  });
});
