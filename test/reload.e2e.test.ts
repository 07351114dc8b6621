// Config hot reload end to end: the real gateway watches its config file; edits are applied hot,
// by an in-process restart, or skipped, per gateway.reload.mode and the rule table. Covers the
// reference's pains: token generation loops, invalid edits, restart storms, dropped runs.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DeviceIdentity, generateIdentity, signConnectDevice } from "../src/client/device-identity.js";
import { startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe, openProbe, type Probe } from "./helpers/ws-probe.js";

const running: RunningGateway[] = [];
const harnesses: AgentHarness[] = [];
const probes: Probe[] = [];
afterEach(async () => {
  probes.splice(0).forEach((p) => p.close());
  while (running.length) await running.pop()!.stop();
  while (harnesses.length) await harnesses.pop()!.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(config: Record<string, any> = localConfig()) {
  const gw = await startGateway(config);
  running.push(gw);
  return gw;
}

async function operator(gw: RunningGateway, token = TEST_TOKEN) {
  const { probe, res } = await connectProbe(gw.url, connectParams({ auth: { token } }));
  probes.push(probe);
  expect(res.ok).toBe(true);
  return probe;
}

async function readJson(file: string) {
  return JSON.parse(await fs.readFile(file, "utf8"));
}

/** Rewrites the config file the way an editor does: new file, renamed into place. */
async function edit(gw: RunningGateway, change: (c: any) => void) {
  const config = await readJson(gw.state.configPath);
  change(config);
  const tmp = `${gw.state.configPath}.edit-${process.hrtime.bigint()}`;
  await fs.writeFile(tmp, JSON.stringify(config, null, 2), { mode: 0o600 });
  await fs.rename(tmp, gw.state.configPath);
}

async function logText(gw: RunningGateway) {
  await gw.gateway.logger.flush();
  const files = await fs.readdir(gw.state.logDir);
  const texts = await Promise.all(files.map((f) => fs.readFile(path.join(gw.state.logDir, f), "utf8")));
  return texts.join("\n");
}

async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await sleep(25);
  }
}

/** Log records (lines) that mention `needle`. */
const count = (text: string, needle: string) => text.split("\n").filter((l) => l.includes(needle)).length;

describe("hot changes", () => {
  it("apply without dropping a socket", async () => {
    const gw = await start();
    const op = await operator(gw);
    await edit(gw, (c) => (c.session = { scope: "global" }));
    await waitFor(() => gw.gateway.config().session?.scope === "global");
    const health = await op.request("health", {});
    expect(health.ok).toBe(true);
    await waitFor(async () => (await logText(gw)).includes("config reloaded (file): session.scope"));
    expect(op.frames.some((f) => f.event === "shutdown")).toBe(false);
  });

  it("a rotated token closes only the sockets that used the old one, with 4001", async () => {
    const gw = await start();
    const byToken = await operator(gw);
    // A local device pairs silently and then authenticates with its own device token.
    const dev = new DeviceIdentity(generateIdentity());
    const withDevice = async (auth: Record<string, string>) => {
      const probe = await openProbe(gw.url);
      probes.push(probe);
      const nonce = (await probe.challenge).payload.nonce;
      const params = connectParams({ auth, scopes: ["operator.read"] });
      params.device = signConnectDevice(params as any, nonce, dev);
      return { probe, res: await probe.request("connect", params, "c1") };
    };
    const paired = await withDevice({ token: TEST_TOKEN });
    expect(paired.res.ok).toBe(true);
    const deviceToken = paired.res.payload.auth.deviceToken;
    const byDevice = await withDevice({ deviceToken });
    expect(byDevice.res.payload.auth.method).toBe("device");

    await edit(gw, (c) => (c.gateway.auth.token = "rotated-token-abcdefghijklmnop"));
    expect(await byToken.closed).toEqual({ code: 4001, reason: "gateway auth changed" });
    expect((await byDevice.probe.request("health", {})).ok).toBe(true);
    const refused = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN } }));
    probes.push(refused.probe);
    expect(refused.res.ok).toBe(false);
    await operator(gw, "rotated-token-abcdefghijklmnop");
    expect(byDevice.probe.frames.some((f) => f.event === "shutdown")).toBe(false);
  });

  it("hooks turned on, moved and turned off by an edit apply at once (hot, no restart)", async () => {
    const gw = await start();
    const op = await operator(gw);
    const wake = (base: string) =>
      fetch(`${gw.httpUrl}${base}/wake`, { method: "POST", headers: { authorization: "Bearer hook-secret-0123456789", "content-type": "application/json" }, body: JSON.stringify({ text: "ping" }) });
    expect((await wake("/hooks")).status).toBe(404);
    await edit(gw, (c) => (c.hooks = { enabled: true, token: "hook-secret-0123456789" }));
    await waitFor(async () => (await wake("/hooks")).status === 200);
    await edit(gw, (c) => (c.hooks.path = "/inbound"));
    await waitFor(async () => (await wake("/inbound")).status === 200);
    expect((await wake("/hooks")).status).toBe(404);
    await edit(gw, (c) => (c.hooks.enabled = false));
    await waitFor(async () => (await wake("/inbound")).status === 404);
    expect(op.frames.some((f) => f.event === "shutdown")).toBe(false); // all of it hot: no restart
  });

  it("follows $include files", async () => {
    const gw = await start();
    const inc = path.join(path.dirname(gw.state.configPath), "session.json5");
    await fs.writeFile(inc, "{ scope: 'per-sender' }");
    await edit(gw, (c) => (c.session = { $include: "./session.json5" }));
    await waitFor(() => gw.gateway.config().session?.scope === "per-sender");
    await fs.writeFile(inc, "{ scope: 'global' }");
    await waitFor(() => gw.gateway.config().session?.scope === "global");
  });
});

describe("restarts", () => {
  it("a restart-class edit restarts in process on the same port and broadcasts shutdown", async () => {
    const gw = await start();
    const op = await operator(gw);
    await edit(gw, (c) => (c.gateway.tools = { deny: ["exec"] }));
    const shutdown = await op.next((f) => f.event === "shutdown");
    expect(shutdown.payload).toEqual({ reason: "gateway restarting", restartExpectedMs: expect.any(Number) });
    expect((await op.closed).code).toBe(1012);
    await waitFor(() => gw.gateway.config().gateway?.tools?.deny?.[0] === "exec");
    const again = await waitFor(async () => {
      try {
        return await operator(gw);
      } catch {
        return undefined;
      }
    });
    expect((await again.request("health", {})).ok).toBe(true);
  });

  it("20 rapid edits cause one restart", async () => {
    const gw = await start();
    for (let i = 0; i < 20; i++) {
      await edit(gw, (c) => (c.gateway.tools = { deny: [`tool-${i}`] }));
      await sleep(10);
    }
    await waitFor(() => gw.gateway.config().gateway?.tools?.deny?.[0] === "tool-19");
    await sleep(800);
    expect(count(await logText(gw), "restarting: config change")).toBe(1);
  });

  it("drains a running run instead of dropping it", async () => {
    const h = await startAgentHarness();
    harnesses.push(h);
    h.fake.setBehavior({ text: "a slow but complete answer", deltas: 6, delayMs: 150 });
    const p = await h.connect();
    probes.push(p);
    const ack = await p.request("agent", { message: "take your time", idempotencyKey: "drain-1" }, "a1");
    expect(ack.payload.status).toBe("accepted");
    await p.next((f) => f.event === "agent" && f.payload.stream === "assistant");
    await edit(h.gw, (c) => (c.gateway.tools = { deny: ["exec"] }));
    const final = await p.next((f) => f.type === "res" && f.id === "a1", 10_000);
    expect(final.payload).toMatchObject({ status: "ok", result: { payloads: [{ text: "a slow but complete answer" }] } });
    const shutdownAt = p.frames.findIndex((f) => f.event === "shutdown");
    expect(shutdownAt).toBeGreaterThan(-1);
    expect(p.frames.findLastIndex((f) => f.type === "res" && f.id === "a1")).toBeGreaterThan(shutdownAt);
    expect((await p.closed).code).toBe(1012);
    const sessions = await fs.readdir(path.join(h.gw.state.stateDir, "agents", "main", "sessions"));
    const transcript = sessions.find((f) => f.endsWith(".jsonl"))!;
    const text = await fs.readFile(path.join(h.gw.state.stateDir, "agents", "main", "sessions", transcript), "utf8");
    expect(text).toContain("a slow but complete answer");
    expect(await logText(h.gw)).not.toContain("aborted");
  });
});

describe("what is never reloaded", () => {
  it("an invalid edit is skipped with one line and the gateway keeps serving", async () => {
    const gw = await start();
    const op = await operator(gw);
    await gw.state.writeRaw("{ gateway: { mode: 'local', port: 'not a port' ");
    await waitFor(async () => (await logText(gw)).includes("config reload skipped (invalid config)"));
    await gw.state.writeRaw(JSON.stringify({ ...localConfig(), gateway: { ...localConfig().gateway, bogus: 1 } }));
    await waitFor(async () => count(await logText(gw), "config reload skipped (invalid config)") >= 2);
    const log = await logText(gw);
    expect(log).toContain("gateway.bogus");
    expect((await op.request("health", {})).ok).toBe(true);
    expect(op.frames.some((f) => f.event === "shutdown")).toBe(false);
    expect(gw.gateway.config().gateway?.auth?.token).toBe(TEST_TOKEN);
  });

  it("token generation at start causes no reload", async () => {
    const config = localConfig();
    delete (config.gateway as any).auth.token;
    const gw = await start(config);
    const written = await readJson(gw.state.configPath);
    expect(written.gateway.auth.token).toMatch(/^[0-9a-f]{48}$/);
    await sleep(900);
    const log = await logText(gw);
    expect(log).not.toContain("restarting");
    expect(log).not.toContain("config reloaded");
    expect(log).not.toContain("config change");
  });

  it("mode off logs that reload is disabled and changes nothing", async () => {
    const gw = await start(localConfig({}, { reload: { mode: "off" } }));
    await edit(gw, (c) => (c.session = { scope: "global" }));
    await waitFor(async () => (await logText(gw)).includes("config reload disabled (gateway.reload.mode=off)"));
    expect(gw.gateway.config().session?.scope).toBeUndefined();
  });

  it("mode hot applies hot paths and logs the restart it skipped", async () => {
    const gw = await start(localConfig({}, { reload: { mode: "hot" } }));
    const op = await operator(gw);
    await edit(gw, (c) => {
      c.session = { scope: "global" };
      c.gateway.tools = { deny: ["exec"] };
    });
    await waitFor(async () => (await logText(gw)).includes("config reload requires gateway restart; hot mode ignoring (gateway.tools.deny)"));
    expect(gw.gateway.config().session?.scope).toBe("global");
    expect((await op.request("health", {})).ok).toBe(true);
    expect(op.frames.some((f) => f.event === "shutdown")).toBe(false);
  });

  it("config.set is applied at once and the watcher finds nothing new", async () => {
    const gw = await start();
    const op = await operator(gw);
    const got = await op.request("config.get", {});
    const res = await op.request("config.set", { raw: JSON.stringify({ ...got.payload.config, session: { scope: "global" } }), baseHash: got.payload.hash });
    expect(res.ok).toBe(true);
    expect(gw.gateway.config().session?.scope).toBe("global");
    await sleep(700);
    expect(count(await logText(gw), "config reloaded")).toBe(1);
  });
});
