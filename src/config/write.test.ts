import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { configAuditPath, ConfigWriter, writeConfigFile } from "./write.js";

let dir: string;
let stateDir: string;
let configPath: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "openclaw-write-"));
  stateDir = path.join(dir, "state");
  configPath = path.join(stateDir, "openclaw.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const mode = async (p: string) => (await stat(p)).mode & 0o777;
const isPosix = process.platform !== "win32";
const auditLines = async () =>
  (await readFile(configAuditPath(stateDir), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);

describe("writeConfigFile", () => {
  it("writes pretty JSON with a trailing newline and a meta stamp", async () => {
    const before = Date.now();
    const result = await writeConfigFile({ configPath, stateDir, config: { gateway: { mode: "local" } }, source: "test", version: "1.2.3" });
    const text = await readFile(configPath, "utf8");
    const written = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(written, null, 2)}\n`);
    expect(written.gateway).toEqual({ mode: "local" });
    expect(written.meta.lastTouchedVersion).toBe("1.2.3");
    expect(Date.parse(written.meta.lastTouchedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(result).toEqual({ hash: sha256(text), bytes: Buffer.byteLength(text), backupPath: null });
  });

  it("keeps other meta fields and the old version stamp when no version is given", async () => {
    const config = { meta: { lastTouchedVersion: "0.9", note: "x" } };
    await writeConfigFile({ configPath, stateDir, config, source: "test" });
    const written = JSON.parse(await readFile(configPath, "utf8"));
    expect(written.meta).toMatchObject({ lastTouchedVersion: "0.9", note: "x" });
    expect(config).toEqual({ meta: { lastTouchedVersion: "0.9", note: "x" } });
  });

  it.runIf(isPosix)("creates the config dir 0700 and the file 0600", async () => {
    await writeConfigFile({ configPath, stateDir, config: {}, source: "test" });
    expect(await mode(stateDir)).toBe(0o700);
    expect(await mode(configPath)).toBe(0o600);
    expect(await mode(path.join(stateDir, "logs"))).toBe(0o700);
    expect(await mode(configAuditPath(stateDir))).toBe(0o600);
  });

  it("keeps the previous file as .bak (0600)", async () => {
    await mkdir(stateDir, { recursive: true });
    const old = '{ "gateway": { "mode": "remote" } }\n';
    await writeFile(configPath, old, { mode: 0o644 });
    const result = await writeConfigFile({ configPath, stateDir, config: { gateway: { mode: "local" } }, source: "test" });
    expect(result.backupPath).toBe(`${configPath}.bak`);
    expect(await readFile(`${configPath}.bak`, "utf8")).toBe(old);
    if (isPosix) expect(await mode(`${configPath}.bak`)).toBe(0o600);
    expect(JSON.parse(await readFile(configPath, "utf8")).gateway.mode).toBe("local");
  });

  it("appends one audit line per write", async () => {
    const first = await writeConfigFile({ configPath, stateDir, config: { a: 1 }, source: "cli:setup" });
    const firstText = await readFile(configPath, "utf8");
    const second = await writeConfigFile({ configPath, stateDir, config: { a: 2 }, source: "rpc:config.set" });
    const [one, two] = await auditLines();
    expect(one).toEqual({
      ts: expect.any(String), source: "cli:setup", path: configPath, pid: process.pid,
      previousHash: null, nextHash: first.hash, previousBytes: null, nextBytes: first.bytes, backupPath: null,
    });
    expect(two).toMatchObject({
      source: "rpc:config.set", previousHash: sha256(firstText), nextHash: second.hash,
      previousBytes: Buffer.byteLength(firstText), nextBytes: second.bytes, backupPath: `${configPath}.bak`,
    });
  });

  it("refuses to shrink the file below half its size unless allowed", async () => {
    const big = { agents: { list: Array.from({ length: 20 }, (_, i) => ({ id: `agent-${i}`, name: `Agent number ${i}` })) } };
    await writeConfigFile({ configPath, stateDir, config: big, source: "test" });
    const before = await readFile(configPath, "utf8");
    const error = await writeConfigFile({ configPath, stateDir, config: {}, source: "test" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^refusing to write config: new file \(\d+ bytes\) is less than half of the current file \(\d+ bytes\); pass allowShrink to confirm$/,
    );
    expect(await readFile(configPath, "utf8")).toBe(before);
    expect(await auditLines()).toHaveLength(1);
    await writeConfigFile({ configPath, stateDir, config: {}, source: "test", allowShrink: true });
    expect(JSON.parse(await readFile(configPath, "utf8")).agents).toBeUndefined();
  });

  it("leaves no temp files behind", async () => {
    await writeConfigFile({ configPath, stateDir, config: { a: 1 }, source: "test" });
    await writeConfigFile({ configPath, stateDir, config: { a: 2 }, source: "test" });
    expect((await readdir(stateDir)).sort()).toEqual(["logs", "openclaw.json", "openclaw.json.bak"]);
  });

  it("leaves the old file intact and cleans up when a write fails mid-way", async () => {
    await writeConfigFile({ configPath, stateDir, config: { a: 1 }, source: "test" });
    const before = await readFile(configPath, "utf8");
    // A directory where the backup goes makes the write fail after the temp file exists.
    await mkdir(`${configPath}.bak`);
    await expect(writeConfigFile({ configPath, stateDir, config: { a: 2 }, source: "test" })).rejects.toMatchObject({ code: "EISDIR" });
    expect(await readFile(configPath, "utf8")).toBe(before);
    expect((await readdir(stateDir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(await auditLines()).toHaveLength(1);
  });

  it("fails without touching anything when the target path is a directory", async () => {
    await mkdir(configPath, { recursive: true });
    await expect(writeConfigFile({ configPath, stateDir, config: {}, source: "test" })).rejects.toMatchObject({ code: "EISDIR" });
    expect(await readdir(stateDir)).toEqual(["openclaw.json"]);
  });
});

describe("ConfigWriter", () => {
  it("serialises concurrent writes to the same path in call order", async () => {
    const writer = new ConfigWriter();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => writer.write({ configPath, stateDir, config: { n: i }, source: `w${i}` })),
    );
    const audit = await auditLines();
    expect(audit.map((line) => line.source)).toEqual(Array.from({ length: 8 }, (_, i) => `w${i}`));
    // Each write saw the previous one's file, so the hashes chain.
    for (let i = 1; i < audit.length; i++) expect(audit[i]?.previousHash).toBe(results[i - 1]?.hash);
    expect(JSON.parse(await readFile(configPath, "utf8")).n).toBe(7);
  });

  it("keeps going after a failed write in the queue", async () => {
    const writer = new ConfigWriter();
    const big = { pad: "x".repeat(500) };
    await writer.write({ configPath, stateDir, config: big, source: "seed" });
    const [failed, ok] = await Promise.allSettled([
      writer.write({ configPath, stateDir, config: {}, source: "shrink" }),
      writer.write({ configPath, stateDir, config: { pad: "y".repeat(500) }, source: "after" }),
    ]);
    expect(failed.status).toBe("rejected");
    expect(ok.status).toBe("fulfilled");
    expect(JSON.parse(await readFile(configPath, "utf8")).pad).toBe("y".repeat(500));
  });

  it("writeConfigFile uses the writer it is given", async () => {
    const writer = new ConfigWriter();
    await Promise.all([
      writeConfigFile({ configPath, stateDir, config: { n: 1 }, source: "a" }, writer),
      writeConfigFile({ configPath, stateDir, config: { n: 2 }, source: "b" }, writer),
    ]);
    expect((await auditLines()).map((line) => line.source)).toEqual(["a", "b"]);
  });
});
