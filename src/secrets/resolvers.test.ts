import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfigSecrets, formatSecretFailure } from "./resolve.js";
import { readJsonPointer } from "./resolve-file.js";
import { tempDir, writeResolverScript } from "./test-support.js";

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const ref = (source: string, provider: string, id: string) => ({ source, provider, id });

describe("env source", () => {
  it("resolves from the given env through the implicit default provider", async () => {
    const r = await resolveConfigSecrets({ gateway: { auth: { token: ref("env", "default", "GW_TOKEN") } } }, { env: { GW_TOKEN: "tok-1" } });
    expect(r.failures).toEqual([]);
    expect(r.values.get("gateway.auth.token")).toBe("tok-1");
  });

  it("names a missing variable, an allowlist miss and an unknown provider", async () => {
    const config = {
      secrets: { providers: { strict: { source: "env", allowlist: ["ALLOWED"] } } },
      gateway: { auth: { token: ref("env", "default", "MISSING_VAR"), password: ref("env", "strict", "OTHER") } },
      models: { providers: { x: { apiKey: ref("env", "nope", "K") } } },
    };
    const r = await resolveConfigSecrets(config, { env: { OTHER: "v" } });
    expect(r.failures.map((f) => [f.path, f.provider, f.reason])).toEqual([
      ["gateway.auth.password", "strict", "OTHER is not in the provider's allowlist"],
      ["gateway.auth.token", "default", "environment variable MISSING_VAR is not set"],
      ["models.providers.x.apiKey", "nope", 'no provider "nope" under secrets.providers'],
    ]);
    expect(formatSecretFailure(r.failures[1]!)).toBe(
      'gateway.auth.token: secret reference (env provider "default") could not be resolved: environment variable MISSING_VAR is not set',
    );
  });

  it("uses secrets.defaults.env for refs without a provider (unchecked sections)", async () => {
    const config = { secrets: { defaults: { env: "mine" } }, channels: { telegram: { botToken: { source: "env", id: "TG" } } } };
    const r = await resolveConfigSecrets(config, { env: { TG: "123:abc" } });
    expect(r.values.get("channels.telegram.botToken")).toBe("123:abc");
  });
});

describe("file source", () => {
  it("reads JSON pointers (RFC 6901 escapes) and singleValue files", async () => {
    const json = path.join(dir, "secrets.json");
    await fs.writeFile(json, JSON.stringify({ providers: { openai: { apiKey: "sk-json" } }, "a/b": { "c~d": "escaped" } }), { mode: 0o600 });
    const single = path.join(dir, "token.txt");
    await fs.writeFile(single, "single-token\n", { mode: 0o600 });
    const config = {
      secrets: { providers: { main: { source: "file", path: json }, one: { source: "file", path: single, mode: "singleValue" } } },
      models: { providers: { openai: { apiKey: ref("file", "main", "/providers/openai/apiKey"), headers: { "x-extra": ref("file", "main", "/a~1b/c~0d") } } } },
      gateway: { auth: { token: ref("file", "one", "value") } },
    };
    const r = await resolveConfigSecrets(config, { env: {} });
    expect(r.failures).toEqual([]);
    expect(Object.fromEntries(r.values)).toEqual({
      "models.providers.openai.apiKey": "sk-json",
      "models.providers.openai.headers.x-extra": "escaped",
      "gateway.auth.token": "single-token",
    });
  });

  it("refuses world-readable, group-writable and symlinked files unless allowInsecurePath", async () => {
    const loose = path.join(dir, "loose.txt");
    await fs.writeFile(loose, "v", { mode: 0o644 });
    await fs.chmod(loose, 0o644);
    const gw = path.join(dir, "gw.txt");
    await fs.writeFile(gw, "v", { mode: 0o620 });
    await fs.chmod(gw, 0o620);
    const target = path.join(dir, "target.txt");
    await fs.writeFile(target, "v", { mode: 0o600 });
    const link = path.join(dir, "link.txt");
    await fs.symlink(target, link);
    const provider = (p: string, extra = {}) => ({ source: "file", path: p, mode: "singleValue", ...extra });
    const config = {
      secrets: { providers: { a: provider(loose), b: provider(gw), c: provider(link), d: provider(loose, { allowInsecurePath: true }), e: provider(path.join(dir, "absent")) } },
      channels: { x: { a: ref("file", "a", "value"), b: ref("file", "b", "value"), c: ref("file", "c", "value"), d: ref("file", "d", "value"), e: ref("file", "e", "value") } },
    };
    const r = await resolveConfigSecrets(config, { env: {} });
    const reasons = Object.fromEntries(r.failures.map((f) => [f.path, f.reason]));
    expect(reasons["channels.x.a"]).toMatch(/readable by everyone \(mode 644/);
    expect(reasons["channels.x.b"]).toMatch(/writable by group or others/);
    expect(reasons["channels.x.c"]).toMatch(/is a symlink/);
    expect(reasons["channels.x.e"]).toMatch(/file not found/);
    expect(r.values.get("channels.x.d")).toBe("v");
  });

  it("never quotes file content when the JSON is broken, and checks id kinds per mode", async () => {
    const broken = path.join(dir, "broken.json");
    await fs.writeFile(broken, '{"k": sk-live-SECRETVALUE}', { mode: 0o600 });
    const good = path.join(dir, "good.json");
    await fs.writeFile(good, JSON.stringify({ n: 5, e: "" }), { mode: 0o600 });
    const config = {
      secrets: { providers: { b: { source: "file", path: broken }, g: { source: "file", path: good }, s: { source: "file", path: good, mode: "singleValue" } } },
      channels: { x: { a: ref("file", "b", "/k"), n: ref("file", "g", "/n"), e: ref("file", "g", "/e"), m: ref("file", "g", "/missing"), v: ref("file", "g", "value"), s: ref("file", "s", "/n") } },
    };
    const r = await resolveConfigSecrets(config, { env: {} });
    const reasons = Object.fromEntries(r.failures.map((f) => [f.path, f.reason]));
    expect(reasons["channels.x.a"]).toMatch(/is not valid JSON$/);
    expect(JSON.stringify(r.failures)).not.toContain("SECRETVALUE");
    expect(reasons["channels.x.n"]).toMatch(/is not a string/);
    expect(reasons["channels.x.e"]).toMatch(/is empty/);
    expect(reasons["channels.x.m"]).toMatch(/no value at \/missing/);
    expect(reasons["channels.x.v"]).toMatch(/absolute JSON pointer/);
    expect(reasons["channels.x.s"]).toMatch(/takes only the id "value"/);
  });

  it("readJsonPointer walks arrays and refuses inherited keys", () => {
    expect(readJsonPointer({ a: [{ b: "x" }] }, "/a/0/b")).toBe("x");
    expect(readJsonPointer({}, "/constructor")).toBeUndefined();
  });
});

describe("exec source", () => {
  it("runs the resolver once per provider with every id and a minimal environment", async () => {
    const log = path.join(dir, "exec-calls.log");
    const script = await writeResolverScript(
      dir,
      "vault.js",
      `require("fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify({ request, env: Object.keys(process.env).sort() }) + "\\n");
       const values = {}, errors = {};
       for (const id of request.ids) {
         if (id === "missing/key") errors[id] = { message: "not found in vault" };
         else values[id] = "v:" + id + ":" + (process.env.VAULT_ADDR || "") + (process.env.LIT || "");
       }
       process.stdout.write(JSON.stringify({ protocolVersion: 1, values, errors }));`,
    );
    const config = {
      secrets: { providers: { vault: { source: "exec", command: script, passEnv: ["VAULT_ADDR"], env: { LIT: "!" } } } },
      gateway: { auth: { token: ref("exec", "vault", "gw/token") } },
      models: { providers: { a: { apiKey: ref("exec", "vault", "openai/key") }, b: { apiKey: ref("exec", "vault", "openai/key") } } },
      channels: { c: { token: ref("exec", "vault", "missing/key") } },
    };
    const r = await resolveConfigSecrets(config, { env: { VAULT_ADDR: "addr", SECRET_PARENT_VAR: "no" } });
    expect(r.values.get("gateway.auth.token")).toBe("v:gw/token:addr!");
    expect(r.values.get("models.providers.b.apiKey")).toBe("v:openai/key:addr!");
    expect(r.failures).toEqual([{ path: "channels.c.token", source: "exec", provider: "vault", reason: "resolver error: not found in vault" }]);
    const calls = (await fs.readFile(log, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(calls).toHaveLength(1);
    expect(calls[0].request).toEqual({ protocolVersion: 1, provider: "vault", ids: ["gw/token", "openai/key", "missing/key"] });
    expect(calls[0].env.filter((k: string) => !["LIT", "VAULT_ADDR"].includes(k) && !k.startsWith("__CF"))).toEqual([]);
  });

  it("fails every id of the batch on timeout, output overflow, bad exit, bad protocol and non-JSON", async () => {
    const slow = await writeResolverScript(dir, "slow.js", "setTimeout(() => {}, 10000);");
    const loud = await writeResolverScript(dir, "loud.js", 'process.stdout.write("x".repeat(5000));');
    const bad = await writeResolverScript(dir, "bad.js", 'process.stderr.write("leaked-secret-in-stderr"); process.exit(3);');
    const v2 = await writeResolverScript(dir, "v2.js", 'process.stdout.write(JSON.stringify({ protocolVersion: 2, values: {} }));');
    const plain = await writeResolverScript(dir, "plain.js", 'process.stdout.write("raw-value\\n");');
    const provider = (command: string, extra = {}) => ({ source: "exec", command, ...extra });
    const config = {
      secrets: {
        providers: {
          slow: provider(slow, { timeoutMs: 300 }),
          loud: provider(loud, { maxOutputBytes: 1000 }),
          bad: provider(bad),
          v2: provider(v2),
          plain: provider(plain),
          plainok: provider(plain, { jsonOnly: false }),
        },
      },
      channels: {
        x: {
          slow: ref("exec", "slow", "a"),
          loud: ref("exec", "loud", "a"),
          bad: ref("exec", "bad", "a"),
          v2: ref("exec", "v2", "a"),
          plain: ref("exec", "plain", "a"),
          plainok: ref("exec", "plainok", "a"),
        },
      },
    };
    const r = await resolveConfigSecrets(config, { env: {} });
    const reasons = Object.fromEntries(r.failures.map((f) => [f.path, f.reason]));
    expect(reasons["channels.x.slow"]).toMatch(/^(timed out after 300 ms|produced no output for 300 ms)/);
    expect(reasons["channels.x.loud"]).toMatch(/output exceeded maxOutputBytes \(1000\)/);
    expect(reasons["channels.x.bad"]).toBe("exited with code 3");
    expect(reasons["channels.x.v2"]).toMatch(/protocolVersion 2, expected 1/);
    expect(reasons["channels.x.plain"]).toMatch(/not a JSON object/);
    expect(JSON.stringify(r.failures)).not.toContain("leaked-secret-in-stderr");
    expect(r.values.get("channels.x.plainok")).toBe("raw-value");
  });

  it("refuses relative, symlinked, group-writable and untrusted-dir commands", async () => {
    const real = await writeResolverScript(dir, "real.js", 'process.stdout.write(JSON.stringify({ protocolVersion: 1, values: { a: "ok" } }));');
    const link = path.join(dir, "link-resolver");
    await fs.symlink(real, link);
    const loose = await writeResolverScript(dir, "loose.js", "");
    await fs.chmod(loose, 0o777);
    const provider = (command: string, extra = {}) => ({ source: "exec", command, ...extra });
    const config = {
      secrets: {
        providers: {
          link: provider(link),
          linkok: provider(link, { allowSymlinkCommand: true, trustedDirs: [dir] }),
          loose: provider(loose),
          elsewhere: provider(real, { trustedDirs: ["/usr/share"] }),
        },
      },
      channels: { x: { link: ref("exec", "link", "a"), linkok: ref("exec", "linkok", "a"), loose: ref("exec", "loose", "a"), elsewhere: ref("exec", "elsewhere", "a") } },
    };
    const r = await resolveConfigSecrets(config, { env: {} });
    const reasons = Object.fromEntries(r.failures.map((f) => [f.path, f.reason]));
    expect(reasons["channels.x.link"]).toMatch(/is a symlink/);
    expect(reasons["channels.x.loose"]).toMatch(/writable by group or others/);
    expect(reasons["channels.x.elsewhere"]).toMatch(/not inside trustedDirs/);
    expect(r.values.get("channels.x.linkok")).toBe("ok");
  });

  it("checks exec ids before running anything", async () => {
    const config = { secrets: { providers: { v: { source: "exec", command: "/nonexistent" } } }, channels: { x: { a: ref("exec", "v", "a/../b") } } };
    const r = await resolveConfigSecrets(config, { env: {} });
    expect(r.failures[0]!.reason).toMatch(/may not contain "\." or "\.\." segments|must match/);
  });
});
