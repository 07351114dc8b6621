import fs from "node:fs/promises";
import path from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectSecretRefs } from "./refs.js";
import { SecretsRuntime, SecretsSnapshot } from "./snapshot.js";
import { tempDir } from "./test-support.js";

const ref = (source: string, provider: string, id: string) => ({ source, provider, id });

describe("collectSecretRefs", () => {
  it("finds refs anywhere by dotted path and skips disabled surfaces", () => {
    const config = {
      secrets: { providers: { default: { source: "env" } } },
      gateway: { auth: { token: ref("env", "default", "A") }, remote: { token: ref("env", "default", "R") } },
      hooks: { enabled: false, token: ref("env", "default", "H") },
      models: { providers: { "open.ai": { apiKey: ref("env", "default", "K") } } },
      channels: {
        telegram: { botToken: ref("env", "default", "T"), accounts: { off: { enabled: false, botToken: ref("env", "default", "X") } } },
        discord: { enabled: false, token: ref("env", "default", "D") },
      },
      agents: { list: [{ id: "a", key: ref("env", "default", "L") }] },
    };
    const { active, inactive } = collectSecretRefs(config);
    expect(active.map((s) => s.path).sort()).toEqual(['agents.list.0.key', "channels.telegram.botToken", "gateway.auth.token", 'models.providers["open.ai"].apiKey']);
    expect(Object.fromEntries(inactive.map((s) => [s.path, s.reason]))).toEqual({
      "gateway.remote.token": "gateway.remote is not in use (gateway.mode is not remote and gateway.remote.url is unset)",
      "hooks.token": "hooks.enabled is not true",
      "channels.telegram.accounts.off.botToken": "channels.telegram.accounts.off is disabled",
      "channels.discord.token": "channels.discord is disabled",
    });
  });

  it("treats gateway.remote refs as active when a remote url is set", () => {
    const { active } = collectSecretRefs({ gateway: { remote: { url: "wss://x", token: ref("env", "default", "R") } } });
    expect(active.map((s) => s.path)).toEqual(["gateway.remote.token"]);
  });
});

describe("SecretsSnapshot", () => {
  it("never shows values when printed or serialised", () => {
    const snap = new SecretsSnapshot(new Map([["gateway.auth.token", "super-secret-value"]]));
    expect(snap.get("gateway.auth.token")).toBe("super-secret-value");
    expect(JSON.stringify(snap)).not.toContain("super-secret-value");
    expect(inspect(snap)).not.toContain("super-secret-value");
    expect(`${JSON.stringify({ snap })}`).toContain("gateway.auth.token");
    expect(Object.isFrozen(snap)).toBe(true);
  });
});

describe("SecretsRuntime", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("swaps only when every ref resolved and keeps the last good snapshot otherwise", async () => {
    const file = path.join(dir, "s.json");
    await fs.writeFile(file, JSON.stringify({ a: "one", b: "bee" }), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { E: "env-1" };
    const runtime = new SecretsRuntime({ env });
    const config = {
      secrets: { providers: { f: { source: "file", path: file } } },
      gateway: { auth: { token: ref("file", "f", "/a") } },
      models: { providers: { p: { apiKey: ref("env", "default", "E") } } },
      channels: { c: { token: ref("file", "f", "/b") } },
    };
    const seen: string[] = [];
    runtime.onActivate((next, prev) => seen.push(`${prev.get("gateway.auth.token")}->${next.get("gateway.auth.token")}`));
    expect(await runtime.reload(config)).toEqual({ ok: true, warningCount: 0, warnings: [] });
    const first = runtime.current;
    expect(runtime.get("gateway.auth.token")).toBe("one");

    // One of three refs breaks: nothing changes, not even the ones that still resolve.
    await fs.writeFile(file, JSON.stringify({ a: "two" }), { mode: 0o600 });
    env.E = "env-2";
    const failed = await runtime.reload(config);
    expect(failed).toEqual({ ok: false, failures: [{ path: "channels.c.token", source: "file", provider: "f", reason: `no value at /b in ${file}` }] });
    expect(runtime.current).toBe(first);
    expect(runtime.get("gateway.auth.token")).toBe("one");
    expect(runtime.get("models.providers.p.apiKey")).toBe("env-1");

    await fs.writeFile(file, JSON.stringify({ a: "two", b: "bee" }), { mode: 0o600 });
    expect((await runtime.reload(config)).ok).toBe(true);
    expect(runtime.get("gateway.auth.token")).toBe("two");
    expect(runtime.get("models.providers.p.apiKey")).toBe("env-2");
    expect(seen).toEqual(["undefined->one", "one->two"]);
  });

  it("serialises reloads so the last one started wins", async () => {
    const env: NodeJS.ProcessEnv = { T: "a" };
    const runtime = new SecretsRuntime({ env });
    const config = { gateway: { auth: { token: ref("env", "default", "T") } } };
    const first = runtime.reload(config);
    const second = runtime.reload({ gateway: { auth: { token: ref("env", "default", "U") } } });
    env.U = "u";
    await Promise.all([first, second]);
    expect(runtime.get("gateway.auth.token")).toBe("u");
  });

  it("reports inactive refs as warnings", async () => {
    const runtime = new SecretsRuntime({ env: {} });
    const result = await runtime.reload({ hooks: { token: ref("env", "default", "NOT_SET") } });
    expect(result).toMatchObject({ ok: true, warningCount: 1 });
    expect(runtime.current.warnings[0]).toMatchObject({ code: "SECRETS_REF_IGNORED_INACTIVE_SURFACE", path: "hooks.token" });
  });
});
