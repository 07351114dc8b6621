// Methods over a real socket: health, status, presence, config.*, logs.tail, registry errors,
// v4 cancel, and per-connection seq.
import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe, type Probe } from "./helpers/ws-probe.js";

let gw: RunningGateway;
let admin: Probe;
const auth = { token: TEST_TOKEN };

beforeAll(async () => {
  gw = await startGateway(localConfig(), { healthRefreshMs: 200 });
  admin = (await connectProbe(gw.url, connectParams({ auth }))).probe;
});
afterAll(async () => {
  admin.close();
  await gw.stop();
});

describe("system methods", () => {
  it("health returns the HealthSummary", async () => {
    const res = await admin.request("health", {});
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({ ok: true, defaultAgentId: "main", channels: {}, channelOrder: [], agents: [{ agentId: "main", isDefault: true }] });
  });

  it("health {probe:true} refreshes and broadcasts a health event with stateVersion", async () => {
    await admin.request("health", { probe: true });
    const ev = await admin.next((f) => f.type === "event" && f.event === "health");
    expect(ev.payload.ok).toBe(true);
    expect(ev.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
    expect(typeof ev.seq).toBe("number");
  });

  it("status has the reference's top-level fields, sensitive ones for admin", async () => {
    const res = await admin.request("status", {});
    expect(res.payload).toMatchObject({ runtimeVersion: expect.any(String), heartbeat: { defaultAgentId: "main" }, channelSummary: [], queuedSystemEvents: [] });
    expect(res.payload.sessions).toMatchObject({ count: 0, byAgent: [{ agentId: "main" }] });
    expect(res.payload.pid).toBe(process.pid);
  });

  it("system-presence lists the gateway itself", async () => {
    const res = await admin.request("system-presence", {});
    expect(res.payload[0]).toMatchObject({ mode: "gateway", reason: "self" });
  });

  it("presence: a non-CLI client appears on connect and is marked on disconnect, with events", async () => {
    const other = await connectProbe(gw.url, connectParams({ client: { id: "gateway-client", version: "1", platform: "linux", mode: "backend", instanceId: "inst-1" }, auth }));
    const joined = await admin.next((f) => f.event === "presence" && f.payload.presence.some((p: any) => p.instanceId === "inst-1" && p.reason === "connect"));
    expect(joined.stateVersion.presence).toBeGreaterThan(1);
    other.probe.close();
    await admin.next((f) => f.event === "presence" && f.payload.presence.some((p: any) => p.instanceId === "inst-1" && p.reason === "disconnect"));
  });

  it("v4 seq is per connection and has no gaps", async () => {
    const { probe } = await connectProbe(gw.url, connectParams({ auth }));
    for (let i = 0; i < 3; i++) await probe.request("health", { probe: true });
    await new Promise((r) => setTimeout(r, 100));
    const seqs = probe.frames.filter((f) => f.type === "event" && typeof f.seq === "number").map((f) => f.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    probe.close();
  });
});

describe("registry", () => {
  it("unknown method", async () => {
    const res = await admin.request("no.such.method", {});
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "unknown method: no.such.method" });
  });

  it("bad params are INVALID_REQUEST naming the method", async () => {
    const res = await admin.request("logs.tail", { limit: 0 });
    expect(res.error.code).toBe("INVALID_REQUEST");
    expect(res.error.message).toMatch(/^invalid logs\.tail params: at \/limit: must be >= 1/);
  });

  it("a malformed frame after connect with an id gets an error reply, the socket stays", async () => {
    admin.send({ type: "req", id: "bad1" });
    const res = await admin.next((f) => f.type === "res" && f.id === "bad1");
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid request frame" });
    expect((await admin.request("health", {})).ok).toBe(true);
  });
});

describe("config methods", () => {
  it("config.get is redacted and carries the hash", async () => {
    const res = await admin.request("config.get", {});
    expect(res.payload.exists).toBe(true);
    expect(res.payload.valid).toBe(true);
    expect(res.payload.config.gateway.auth.token).toBe("__OPENCLAW_REDACTED__");
    expect(res.payload.raw).not.toContain(TEST_TOKEN);
    expect(res.payload.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("config.set needs a baseHash and refuses a stale one", async () => {
    const missing = await admin.request("config.set", { raw: "{}" });
    expect(missing.error.message).toBe("config base hash required; re-run config.get and retry");
    const stale = await admin.request("config.set", { raw: "{}", baseHash: "0".repeat(64) });
    expect(stale.error.message).toBe("config changed since last load; re-run config.get and retry");
  });

  it("config.set rejects an invalid config without writing", async () => {
    const before = await fs.readFile(gw.state.configPath, "utf8");
    const { payload } = await admin.request("config.get", {});
    const res = await admin.request("config.set", { raw: '{"gateway":{"mode":"local","bogus":1}}', baseHash: payload.hash });
    expect(res.error.code).toBe("INVALID_REQUEST");
    expect(res.error.message).toContain("gateway.bogus");
    expect(await fs.readFile(gw.state.configPath, "utf8")).toBe(before);
  });

  it("config.set round-trips the redacted config without losing the secret", async () => {
    const { payload } = await admin.request("config.get", {});
    // A read-live key: applying it neither restarts nor closes this socket.
    const next = { ...payload.config, session: { scope: "per-sender" } };
    const res = await admin.request("config.set", { raw: JSON.stringify(next), baseHash: payload.hash });
    expect(res.ok).toBe(true);
    const onDisk = JSON.parse(await fs.readFile(gw.state.configPath, "utf8"));
    expect(onDisk.gateway.auth.token).toBe(TEST_TOKEN);
    expect(onDisk.session.scope).toBe("per-sender");
    await fs.access(`${gw.state.configPath}.bak`);
    const audit = await fs.readFile(`${gw.state.stateDir}/logs/config-audit.jsonl`, "utf8");
    expect(audit).toContain('"source":"config.set"');
  });

  it("config.schema returns the JSON Schema", async () => {
    const res = await admin.request("config.schema", {});
    expect(res.payload.schema.type).toBe("object");
    expect(res.payload.schema.properties.gateway).toBeDefined();
  });
});

describe("logs.tail", () => {
  it("pages with a cursor", async () => {
    const first = await admin.request("logs.tail", { limit: 5 });
    expect(first.ok).toBe(true);
    expect(first.payload.file).toBe(gw.gateway.logFile());
    expect(first.payload.lines.length).toBeGreaterThan(0);
    expect(first.payload.lines.length).toBeLessThanOrEqual(5);
    await admin.request("no.such.method.to.log", {});
    await admin.request("health", { probe: true });
    const next = await admin.request("logs.tail", { cursor: first.payload.cursor });
    expect(next.payload.cursor).toBeGreaterThanOrEqual(first.payload.cursor);
  });
});
