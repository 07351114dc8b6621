// config.patch / config.apply over the wire: merge-patch semantics, validation before write,
// the 3-per-60 s control-plane limit, and the coalesced in-process restart that follows.
import fs from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe } from "./helpers/ws-probe.js";

let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const auth = { token: TEST_TOKEN };

describe("config.patch", () => {
  it("merges (null deletes), keeps secrets, schedules a restart and clients see it", async () => {
    gw = await startGateway(localConfig({ agents: { defaults: { timeoutSeconds: 30 } } }));
    const { probe } = await connectProbe(gw.url, connectParams({ auth }));
    const { payload: current } = await probe.request("config.get", {});
    const res = await probe.request("config.patch", {
      raw: JSON.stringify({ agents: { defaults: { timeoutSeconds: null, maxConcurrent: 2 } } }),
      baseHash: current.hash,
      restartDelayMs: 50,
      note: "tune agents",
    });
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({ ok: true, path: gw.state.configPath, restart: { scheduled: true, reason: "config.patch" } });
    expect(res.payload.sentinel.payload).toMatchObject({ kind: "config.patch", note: "tune agents" });
    const onDisk = JSON.parse(await fs.readFile(gw.state.configPath, "utf8"));
    expect(onDisk.agents.defaults).toEqual({ maxConcurrent: 2 });
    expect(onDisk.gateway.auth.token).toBe(TEST_TOKEN);
    const shutdown = await probe.next((f) => f.event === "shutdown");
    expect(shutdown.payload).toEqual({ reason: "gateway restarting", restartExpectedMs: 1500 });
    expect((await probe.closed).code).toBe(1012);
    // The same port serves again after the restart.
    let again;
    for (let i = 0; i < 50 && !again; i++) {
      again = await connectProbe(gw.url, connectParams({ auth })).catch(() => undefined);
      if (!again) await new Promise((r) => setTimeout(r, 50));
    }
    expect(again!.res.ok).toBe(true);
    again!.probe.close();
  });

  it("refuses an invalid result and a stale hash without writing", async () => {
    gw = await startGateway(localConfig());
    const { probe } = await connectProbe(gw.url, connectParams({ auth }));
    const before = await fs.readFile(gw.state.configPath, "utf8");
    const { payload: current } = await probe.request("config.get", {});
    const invalid = await probe.request("config.patch", { raw: '{"gateway":{"port":"eighty"}}', baseHash: current.hash });
    expect(invalid.error.code).toBe("INVALID_REQUEST");
    expect(invalid.error.message).toContain("gateway.port");
    const stale = await probe.request("config.patch", { raw: "{}", baseHash: "f".repeat(64) });
    expect(stale.error.message).toBe("config changed since last load; re-run config.get and retry");
    expect(await fs.readFile(gw.state.configPath, "utf8")).toBe(before);
    probe.close();
  });

  it("a fourth control-plane write within 60 s is rate limited", async () => {
    gw = await startGateway(localConfig());
    const { probe } = await connectProbe(gw.url, connectParams({ auth }));
    for (let i = 0; i < 3; i++) {
      const r = await probe.request("config.patch", { raw: "{", baseHash: "x" });
      expect(r.error.code).toBe("INVALID_REQUEST");
    }
    const limited = await probe.request("config.apply", { raw: "{}", baseHash: "x" });
    expect(limited.error).toMatchObject({
      code: "UNAVAILABLE",
      retryable: true,
      details: { method: "config.apply", limit: "3 per 60s" },
    });
    expect(limited.error.message).toMatch(/^rate limit exceeded for config\.apply; retry after \d+s$/);
    probe.close();
  });
});

describe("config.apply", () => {
  it("replaces the whole file, restoring redacted secrets from the current file", async () => {
    gw = await startGateway(localConfig());
    const { probe } = await connectProbe(gw.url, connectParams({ auth }));
    const { payload: current } = await probe.request("config.get", {});
    const next = { gateway: current.config.gateway, logging: { ...current.config.logging, level: "warn" } };
    const res = await probe.request("config.apply", { raw: JSON.stringify(next), baseHash: current.hash, restartDelayMs: 10_000 });
    expect(res.ok).toBe(true);
    const onDisk = JSON.parse(await fs.readFile(gw.state.configPath, "utf8"));
    expect(onDisk.gateway.auth.token).toBe(TEST_TOKEN);
    expect(onDisk.logging.level).toBe("warn");
    expect(gw.gateway.isOwnWrite((await probe.request("config.get", {})).payload.hash)).toBe(true);
    probe.close();
  });
});
