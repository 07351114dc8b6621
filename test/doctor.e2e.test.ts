// `openclaw doctor` through the built CLI: read-only unless --fix, a backup before any write,
// idempotent, the right exit codes, and never stuck on a broken config.
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli-process.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { freePort, localConfig, makeTempState, type TempState } from "./helpers/temp-state.js";

const states: TempState[] = [];
const gateways: RunningGateway[] = [];
afterEach(async () => {
  while (gateways.length) await gateways.pop()!.stop();
  while (states.length) await states.pop()!.cleanup();
});

async function state(config: Record<string, any>) {
  const port = await freePort();
  const s = await makeTempState({ ...config, gateway: { ...config.gateway, port } });
  states.push(s);
  return { s, port };
}

const files = async (dir: string) => (await fs.readdir(dir)).sort();

describe("openclaw doctor", () => {
  it("--fix on a valid config changes nothing and exits 0", async () => {
    const { s } = await state(localConfig());
    const before = await fs.readFile(s.configPath, "utf8");
    const { mtimeMs } = await fs.stat(s.configPath);
    const listing = await files(s.stateDir);
    const res = await runCli(["doctor", "--fix", "--yes"], s.env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("No problems found");
    expect(res.stdout).not.toContain("fixed");
    expect(await fs.readFile(s.configPath, "utf8")).toBe(before);
    expect((await fs.stat(s.configPath)).mtimeMs).toBe(mtimeMs);
    expect(await files(s.stateDir)).toEqual(listing);
  });

  it("an unparseable config exits non-zero with the parse error and the backup to restore, and writes nothing", async () => {
    const { s } = await state(localConfig());
    await fs.copyFile(s.configPath, `${s.configPath}.bak`);
    await s.writeRaw('{ gateway: { mode: "local", ');
    const res = await runCli(["doctor", "--fix", "--yes"], s.env, 10_000);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain("does not parse: JSON5 parse error at line 1");
    expect(res.stdout).toContain(`last good copy: ${s.configPath}.bak`);
    expect(res.stdout).toContain(`cp ${s.configPath}.bak ${s.configPath}`);
    expect(await fs.readFile(s.configPath, "utf8")).toBe('{ gateway: { mode: "local", ');
  });

  it("reports without --fix, repairs with it after a backup, and a second --fix does nothing", async () => {
    const { s } = await state(localConfig());
    const config = JSON.parse(await fs.readFile(s.configPath, "utf8"));
    config.gateway.bogus = true;
    await s.writeRaw(JSON.stringify(config, null, 2));
    await fs.chmod(s.configPath, 0o644);
    const original = await fs.readFile(s.configPath, "utf8");

    const report = await runCli(["doctor"], s.env);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain('gateway.bogus: unknown key "bogus"');
    expect(report.stdout).toContain(`chmod 600 ${s.configPath}`);
    expect(await fs.readFile(s.configPath, "utf8")).toBe(original);
    expect((await fs.stat(s.configPath)).mode & 0o777).toBe(0o644);

    const fixed = await runCli(["doctor", "--fix", "--yes"], s.env);
    expect(fixed.code).toBe(0);
    const backup = (await files(s.stateDir)).find((f) => f.includes(".doctor-"))!;
    expect(await fs.readFile(path.join(s.stateDir, backup), "utf8")).toBe(original);
    expect(fixed.stdout).toContain(`removed unknown key gateway.bogus (backup: ${path.join(s.stateDir, backup)})`);
    const after = JSON.parse(await fs.readFile(s.configPath, "utf8"));
    expect(after.gateway.bogus).toBeUndefined();
    expect(after.gateway.auth.token).toBe(config.gateway.auth.token);
    expect((await fs.stat(s.configPath)).mode & 0o777).toBe(0o600);

    const listing = await files(s.stateDir);
    const again = await runCli(["doctor", "--fix", "--yes"], s.env);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("fixed");
    expect(await files(s.stateDir)).toEqual(listing);
  });

  it("finds a stale lock, a port held by another program and pending pairing requests (--json)", async () => {
    const { s, port } = await state(localConfig());
    const uid = process.getuid?.() ?? 0;
    const { resolveGatewayLockPath } = await import("../src/config/paths.js");
    // The CLI runs with TMPDIR set to the temp root, so its lock dir lives there.
    const lockPath = path.join(s.env.TMPDIR!, `openclaw-${uid}`, path.basename(resolveGatewayLockPath(s.configPath, uid)));
    await fs.mkdir(path.dirname(lockPath), { recursive: true });
    await fs.writeFile(lockPath, JSON.stringify({ pid: 999_999_99, createdAt: new Date().toISOString(), configPath: s.configPath }));
    await fs.mkdir(path.join(s.stateDir, "devices"), { recursive: true, mode: 0o700 });
    const now = Date.now();
    await fs.writeFile(
      path.join(s.stateDir, "devices", "pending.json"),
      JSON.stringify({ requests: [{ requestId: "ab12cd34", deviceId: "d".repeat(64), role: "operator", clientId: "cli", platform: "Linux", remoteAddress: "203.0.113.5", createdAtMs: now, expiresAtMs: now + 600_000 }] }),
      { mode: 0o600 },
    );
    const squatter = http.createServer((_req, res) => res.end("not a gateway"));
    await new Promise<void>((r) => squatter.listen(port, "127.0.0.1", r));
    try {
      const res = await runCli(["doctor", "--json"], s.env);
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout);
      const ids = report.findings.map((f: any) => f.id);
      expect(ids).toContain("gateway.stale-lock");
      expect(ids).toContain("gateway.port-conflict");
      const pending = report.findings.find((f: any) => f.id === "devices.pending-request");
      expect(pending.fix).toContain("openclaw devices approve ab12cd34");
      const fixed = await runCli(["doctor", "--fix", "--yes", "--json"], s.env);
      expect(JSON.parse(fixed.stdout).fixed).toEqual([`removed stale lock ${lockPath}`]);
      await expect(fs.access(lockPath)).rejects.toThrow();
    } finally {
      squatter.close();
      await fs.rm(lockPath, { force: true });
    }
  });

  it("resolves secret refs with the gateway's own resolvers; exec refs only with --deep", async () => {
    const { s } = await state(
      localConfig({
        secrets: { providers: { vault: { source: "exec", command: "/bin/false" } } },
        models: { providers: { fake: { baseUrl: "http://127.0.0.1:9/v1", api: "openai-completions", apiKey: { source: "exec", provider: "vault", id: "fake/key" }, models: [{ id: "m" }] } } },
        hooks: { enabled: true, token: { source: "env", provider: "default", id: "DOCTOR_TEST_HOOKS_TOKEN" } },
      }),
    );
    const quick = JSON.parse((await runCli(["doctor", "--json"], s.env)).stdout);
    const ids = (r: any) => r.findings.map((f: any) => `${f.id}:${f.message.split(":")[0]}`);
    expect(ids(quick)).toContain("secrets.unresolved:hooks.token");
    expect(ids(quick)).toContain("secrets.exec-unchecked:models.providers.fake.apiKey");
    const deep = JSON.parse((await runCli(["doctor", "--json", "--deep"], s.env)).stdout);
    expect(ids(deep)).toContain("secrets.unresolved:models.providers.fake.apiKey");
    expect(deep.ok).toBe(false);
  });

  it("sees a running gateway as healthy", async () => {
    const port = await freePort();
    const gw = await startGateway(localConfig({}, { port }), { cli: { port } });
    gateways.push(gw);
    const res = await runCli(["doctor", "--json"], gw.state.env);
    const report = JSON.parse(res.stdout);
    expect(report.findings.find((f: any) => f.id === "gateway.running").message).toContain(`port ${port}`);
    expect(res.code).toBe(0);
  });
});
