// `openclaw gateway` as a child process: every refusal exits 78 with the reference's lines,
// and bad config files are explained (file, path, what was expected).
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli-process.js";
import { freePort, localConfig, makeTempState, type TempState } from "./helpers/temp-state.js";

let state: TempState | undefined;
afterEach(async () => {
  await state?.cleanup();
  state = undefined;
});

async function gatewayRun(config: unknown | string | undefined, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  state = await makeTempState();
  if (typeof config === "string") await state.writeRaw(config);
  else if (config !== undefined) await state.writeConfig(config);
  const port = await freePort();
  return runCli(["gateway", "--port", String(port), ...args], { ...state.env, ...env });
}

describe("mode guard", () => {
  it("no config file", async () => {
    const r = await gatewayRun(undefined);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured).");
  });

  it("config without gateway.mode", async () => {
    const r = await gatewayRun({ gateway: { port: 18789 } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("Gateway start blocked: existing config is missing gateway.mode.");
    expect(r.stderr).toContain(`Config write audit: ${path.join(state!.stateDir, "logs", "config-audit.jsonl")}`);
  });

  it("gateway.mode remote", async () => {
    const r = await gatewayRun({ gateway: { mode: "remote" } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("Gateway start blocked: set gateway.mode=local (current: remote) or pass --allow-unconfigured.");
  });
});

describe("flag and auth guards", () => {
  it.each([
    [["--port", "abc"], "Invalid port"],
    [["--bind", "everywhere"], 'Invalid --bind (use "loopback", "lan", "tailnet", "auto", or "custom")'],
    [["--auth", "magic"], 'Invalid --auth (use "none", "token", "password", or "trusted-proxy")'],
  ])("%j", async (args, line) => {
    const r = await gatewayRun(localConfig(), args);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(line);
  });

  it("password mode without a password", async () => {
    const r = await gatewayRun({ gateway: { mode: "local", auth: { mode: "password" } } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("Gateway auth is set to password, but no password is configured.");
    expect(r.stderr).toContain("Set gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or pass --password.");
  });

  it("a non-loopback bind without auth", async () => {
    const r = await gatewayRun({ gateway: { mode: "local", auth: { mode: "none" } } }, ["--bind", "lan"]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("Refusing to bind gateway to lan without auth.");
    expect(r.stderr).toContain("Set gateway.auth.token/password (or OPENCLAW_GATEWAY_TOKEN/OPENCLAW_GATEWAY_PASSWORD) or pass --token/--password.");
  });

  it("a non-loopback bind with the Control UI on needs explicit origins (the reference's startup error)", async () => {
    const r = await gatewayRun(localConfig(), ["--bind", "lan"]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(
      "non-loopback Control UI requires gateway.controlUi.allowedOrigins (set explicit origins), or set gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback=true to use Host-header origin fallback mode",
    );
  });

  it("a trustedProxies entry that is not an IP or CIDR range is named", async () => {
    const r = await gatewayRun(localConfig({}, { trustedProxies: ["10.0.0.0/8", "10.0.0.0/40", "proxy.lan"] }));
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('gateway.trustedProxies: "10.0.0.0/40" is not an IP address or CIDR range');
    expect(r.stderr).toContain('gateway.trustedProxies: "proxy.lan" is not an IP address or CIDR range');
    expect(r.stderr).not.toContain('"10.0.0.0/8"');
  });

  it("the example placeholder token is refused", async () => {
    const r = await gatewayRun({ gateway: { mode: "local", auth: { token: "change-me-to-a-long-random-token" } } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("placeholder");
  });
});

describe("broken config files (exit 78, one line per problem)", () => {
  it("JSON5 syntax error names the file, line and column", async () => {
    const r = await gatewayRun('{ gateway: { mode: "local", }\n  oops }');
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`Invalid config at ${state!.configPath}`);
    expect(r.stderr).toMatch(/line 2/);
  });

  it("unknown keys are all reported together with their dotted paths", async () => {
    const r = await gatewayRun({ gateway: { mode: "local", prot: 1 }, bogusTop: true });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("gateway.prot");
    expect(r.stderr).toContain("bogusTop");
  });

  it("an $include cycle is reported", async () => {
    state = await makeTempState();
    const dir = path.dirname(state.configPath);
    await fs.writeFile(path.join(dir, "a.json5"), '{ $include: "./b.json5" }');
    await fs.writeFile(path.join(dir, "b.json5"), '{ $include: "./a.json5" }');
    await state.writeRaw('{ gateway: { mode: "local" }, agents: { $include: "./a.json5" } }');
    const r = await runCli(["gateway", "--port", String(await freePort())], state.env);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/\$include cycle/);
  });

  it("a missing ${VAR} is named", async () => {
    const r = await gatewayRun({ gateway: { mode: "local", auth: { token: "${OPENCLAW_TEST_UNSET_VAR}" } } });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("OPENCLAW_TEST_UNSET_VAR");
  });
});

describe("--dev --profile", () => {
  it("cannot be combined", async () => {
    state = await makeTempState();
    const r = await runCli(["--dev", "--profile", "x", "gateway"], state.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Cannot combine --dev with --profile");
  });
});
