import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { loadConfigOrThrow, readConfigSnapshot } from "./load.js";

let dir: string;
let configPath: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "openclaw-load-"));
  configPath = path.join(dir, "openclaw.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("readConfigSnapshot", () => {
  it("treats a missing file as a valid empty config", async () => {
    expect(await readConfigSnapshot(configPath, {})).toEqual({
      path: configPath, exists: false, raw: null, parsed: {}, config: {}, hash: null, valid: true, issues: [], warnings: [], includedPaths: [],
    });
  });

  it("parses JSON5, resolves includes and env, and hashes the raw text", async () => {
    const raw = `// main config
{
  gateway: { mode: 'local', port: 18789, auth: { token: "\${GW_TOKEN}" } },
  agents: { $include: './agents.json5' },
}
`;
    await writeFile(configPath, raw);
    await writeFile(path.join(dir, "agents.json5"), "{ list: [{ id: 'main', workspace: '${WS}' }] }");
    const snapshot = await readConfigSnapshot(configPath, { GW_TOKEN: "secret", WS: "/w" });
    expect(snapshot).toMatchObject({ exists: true, valid: true, raw, hash: sha256(raw), issues: [], warnings: [] });
    expect(snapshot.config).toEqual({
      gateway: { mode: "local", port: 18789, auth: { token: "secret" } },
      agents: { list: [{ id: "main", workspace: "/w" }] },
    });
    expect(snapshot.parsed).toEqual({
      gateway: { mode: "local", port: 18789, auth: { token: "${GW_TOKEN}" } },
      agents: { $include: "./agents.json5" },
    });
    expect(snapshot.includedPaths).toEqual([path.join(dir, "agents.json5")]);
  });

  it("turns a JSON5 syntax error into an issue with line and column", async () => {
    await writeFile(configPath, "{\n  gateway: { port: 1 }\n  oops\n}");
    const snapshot = await readConfigSnapshot(configPath, {});
    expect(snapshot).toMatchObject({ exists: true, valid: false, config: {}, hash: expect.any(String) });
    expect(snapshot.issues).toHaveLength(1);
    expect(snapshot.issues[0]).toMatchObject({ file: configPath, path: "" });
    expect(snapshot.issues[0]?.message).toMatch(/^JSON5 parse error at line 3, column 3: invalid character 'o'/);
  });

  it("reports include, env and validation problems as issues, never throwing", async () => {
    await writeFile(configPath, "{ agents: { $include: 'missing.json5' } }");
    let snapshot = await readConfigSnapshot(configPath, {});
    expect(snapshot.valid).toBe(false);
    expect(snapshot.issues[0]?.message).toBe(`$include file not found: ${path.join(dir, "missing.json5")}`);
    expect(snapshot.parsed).toEqual({ agents: { $include: "missing.json5" } });

    await writeFile(configPath, "{ gateway: { auth: { token: '${A}', password: '${B}' } } }");
    snapshot = await readConfigSnapshot(configPath, {});
    expect(snapshot.issues.map((i) => i.message)).toEqual(["missing environment variable A", "missing environment variable B"]);
    expect(snapshot.config).toEqual({});

    await writeFile(configPath, "{ gateway: { port: 0, bogus: true } }");
    snapshot = await readConfigSnapshot(configPath, {});
    expect(snapshot.issues.map((i) => i.path)).toEqual(["gateway.bogus", "gateway.port"]);
  });

  it("warns about the legacy gateway.token key", async () => {
    await writeFile(configPath, "{ gateway: { token: 'x' } }");
    const snapshot = await readConfigSnapshot(configPath, {});
    expect(snapshot.valid).toBe(true);
    expect(snapshot.warnings).toEqual([
      { file: configPath, path: "gateway.token", message: 'legacy key is ignored; use "gateway.auth.token" instead' },
    ]);
  });

  it("throws I/O errors other than a missing file", async () => {
    await mkdir(configPath);
    await expect(readConfigSnapshot(configPath, {})).rejects.toMatchObject({ code: "EISDIR" });
  });
});

describe("loadConfigOrThrow", () => {
  it("returns a valid snapshot", async () => {
    await writeFile(configPath, '{"gateway":{"mode":"local"}}');
    expect((await loadConfigOrThrow(configPath, {})).config).toEqual({ gateway: { mode: "local" } });
  });

  it("throws a ConfigError carrying every issue", async () => {
    await writeFile(configPath, "{ a: 1, b: 2 }");
    const error = await loadConfigOrThrow(configPath, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["a", "b"]);
    expect((error as ConfigError).message).toBe(`${configPath}: a: unknown key "a"\n${configPath}: b: unknown key "b"`);
  });
});
