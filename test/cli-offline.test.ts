// The built CLI as a child process, with no gateway running: version, root flags, config
// editing, setup, and the failure lines of RPC commands against a dead port.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "openclaw.mjs");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };

let home: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `openclaw <args>` with a private HOME and state dir and no inherited OPENCLAW_* env. */
function run(args: string[], extraEnv: Record<string, string> = {}): Run {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("OPENCLAW_")) env[key] = value;
  Object.assign(env, { HOME: home, OPENCLAW_STATE_DIR: path.join(home, "state"), NO_COLOR: "1" }, extraEnv);
  const started = performance.now();
  const result = spawnSync(process.execPath, [bin, ...args], { env, encoding: "utf8", timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(() => {
  // `npm test` builds once before Vitest starts. Rebuilding here would delete dist/ under the
  // other CLI test files running in parallel, so only check that the build is there.
  if (!existsSync(path.join(root, "dist", "openclaw.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does it first)");
  home = mkdtempSync(path.join(tmpdir(), "openclaw-cli-"));
});

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("openclaw (offline)", () => {
  it("--version prints the package version", () => {
    const r = run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("refuses --dev with --profile as a usage error", () => {
    const r = run(["--dev", "--profile", "x", "config", "file"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("openclaw: Cannot combine --dev with --profile");
    expect(r.stdout).toBe("");
  });

  it("unknown commands and options are usage errors", () => {
    expect(run(["nope"]).code).toBe(2);
    const r = run(["health", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^openclaw: unknown option '--bogus'/);
  });

  it("config set/get/unset/validate round trip", () => {
    const env = { OPENCLAW_CONFIG_PATH: path.join(home, "roundtrip", "openclaw.json") };
    expect(run(["config", "file"], env).stdout.trim()).toBe(env.OPENCLAW_CONFIG_PATH);
    expect(run(["config", "get", "gateway.mode"], env)).toMatchObject({ code: 1, stderr: "Config path not found: gateway.mode\n" });

    expect(run(["config", "set", "gateway.mode", "local"], env).code).toBe(0);
    expect(run(["config", "set", "gateway.port", "19555"], env).code).toBe(0);
    expect(run(["config", "get", "gateway.mode"], env).stdout).toBe("local\n");
    expect(run(["config", "get", "gateway.mode", "--json"], env).stdout).toBe('"local"\n');
    expect(run(["config", "get", "gateway.port"], env).stdout).toBe("19555\n");
    expect(JSON.parse(run(["config", "get", "gateway", "--json"], env).stdout)).toEqual({ mode: "local", port: 19555 });

    // An edit that would make the config invalid is refused and nothing is written.
    const before = readFileSync(env.OPENCLAW_CONFIG_PATH, "utf8");
    const bad = run(["config", "set", "gateway.port", "not-a-port"], env);
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain("gateway.port");
    expect(run(["config", "set", "gateway.bogus", "1"], env).code).toBe(78);
    expect(readFileSync(env.OPENCLAW_CONFIG_PATH, "utf8")).toBe(before);

    expect(run(["config", "unset", "gateway.port"], env).code).toBe(0);
    expect(run(["config", "get", "gateway.port"], env)).toMatchObject({ code: 1, stderr: "Config path not found: gateway.port\n" });
    expect(run(["config", "unset", "gateway.port"], env).code).toBe(1);

    const ok = run(["config", "validate"], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`Config valid: ${env.OPENCLAW_CONFIG_PATH}\n`);
    expect(JSON.parse(run(["config", "validate", "--json"], env).stdout)).toMatchObject({ valid: true, issues: [] });
  });

  it("config validate exits 78 on a broken file and prints the issue", () => {
    const file = path.join(home, "broken.json");
    writeFileSync(file, "{ gateway: { mode: ");
    const r = run(["config", "validate"], { OPENCLAW_CONFIG_PATH: file });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`Config invalid: ${file}`);
    expect(r.stderr).toContain("JSON5 parse error");

    writeFileSync(file, JSON.stringify({ gateway: { port: "x" } }));
    const invalid = run(["config", "validate"], { OPENCLAW_CONFIG_PATH: file });
    expect(invalid.code).toBe(78);
    expect(invalid.stderr).toContain("gateway.port");
  });

  it("setup writes a local config once and --force only sets gateway.mode", () => {
    const env = { OPENCLAW_STATE_DIR: path.join(home, "setup-state") };
    const first = run(["setup"], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Next: openclaw gateway");
    expect(run(["config", "get", "gateway.mode"], env).stdout).toBe("local\n");
    expect(run(["config", "get", "gateway.auth.mode"], env).stdout).toBe("token\n");

    expect(run(["config", "set", "gateway.mode", "remote"], env).code).toBe(0);
    const again = run(["setup"], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("left unchanged");
    expect(run(["config", "get", "gateway.mode"], env).stdout).toBe("remote\n");

    expect(run(["config", "set", "gateway.port", "19777"], env).code).toBe(0);
    expect(run(["setup", "--force"], env).code).toBe(0);
    expect(run(["config", "get", "gateway.mode"], env).stdout).toBe("local\n");
    expect(run(["config", "get", "gateway.port"], env).stdout).toBe("19777\n");
  });

  it("health against a dead port fails fast with one line", async () => {
    const port = await deadPort();
    const r = run(["health", "--timeout", "1000"], { OPENCLAW_GATEWAY_PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `gateway not reachable at ws://127.0.0.1:${port} (connection refused). Start it with: openclaw gateway\n`,
    );
    expect(r.ms).toBeLessThan(2000);
  });

  it("gateway status reports a stopped gateway (exit 1 only with --require-rpc)", async () => {
    const port = await deadPort();
    const env = { OPENCLAW_GATEWAY_PORT: String(port) };
    const human = run(["gateway", "status", "--timeout", "1000"], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Gateway: bind=loopback (127.0.0.1), port=${port} (env)`);
    expect(human.stdout).toContain("Runtime: stopped");
    expect(human.stdout).toContain("RPC probe: failed (connection refused)");
    const json = run(["gateway", "status", "--json", "--require-rpc", "--timeout", "1000"], env);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as Record<string, any>;
    expect(report.rpc).toEqual({ ok: false, url: `ws://127.0.0.1:${port}`, error: "connection refused" });
    expect(report.runtime).toEqual({ status: "stopped" });
    expect(report.gateway).toMatchObject({ port, portSource: "env", bindMode: "loopback" });
  });

  it("logs falls back to the local file when no gateway answers", async () => {
    const port = await deadPort();
    const file = path.join(home, "gateway.log");
    writeFileSync(file, `${JSON.stringify({ time: "2026-01-01T00:00:00.000Z", level: 30, subsystem: "gateway", msg: "hello" })}\n`);
    const env = { OPENCLAW_GATEWAY_PORT: String(port), OPENCLAW_CONFIG_PATH: path.join(home, "logs", "openclaw.json") };
    expect(run(["config", "set", "logging.file", file], env).code).toBe(0);
    const r = run(["logs", "--plain", "--timeout", "1000"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`gateway not available (connection refused); reading the local log file ${file}\n`);
    expect(r.stdout).toContain("hello");
    expect(run(["logs", "--json"], env).stdout).toContain('"msg":"hello"');
    // With --url there is no fallback: the URL was asked for explicitly.
    expect(run(["logs", "--url", `ws://127.0.0.1:${port}`], env).code).toBe(1);
  });

  it("gateway call rejects bad --params JSON with exit 2", () => {
    const r = run(["gateway", "call", "health", "--params", "{nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^openclaw: invalid --params JSON: /);
  });

  it("gateway stop with no gateway running", () => {
    const r = run(["gateway", "stop"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`No running gateway found for ${path.join(home, "state", "openclaw.json")}.\n`);
  });
});
