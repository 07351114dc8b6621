import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRollingFile, resolveDefaultLogFile, type RollingFile } from "./rolling-file.js";

const HOUR = 60 * 60 * 1000;

let tmp: string;
const opened: RollingFile[] = [];

beforeEach(async () => {
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "openclaw-rolling-"));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((file) => file.close()));
  await fs.promises.rm(tmp, { recursive: true, force: true });
});

function open(opts: Parameters<typeof createRollingFile>[0]): RollingFile {
  const file = createRollingFile(opts);
  opened.push(file);
  return file;
}

// Fake times lie before the real clock, so files written now never look 24 h old to pruning.
function startOfToday(): Date {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

function line(char: string, bytes: number): string {
  return `${char.repeat(bytes - 1)}\n`;
}

describe("resolveDefaultLogFile", () => {
  it("names the file after the local calendar date", () => {
    expect(resolveDefaultLogFile("/logs", new Date(2024, 0, 5, 23, 59))).toBe("/logs/openclaw-2024-01-05.log");
    expect(resolveDefaultLogFile("/logs", new Date(2024, 11, 31, 0, 0))).toBe("/logs/openclaw-2024-12-31.log");
  });

  it("defaults to /tmp/openclaw and today", () => {
    expect(resolveDefaultLogFile()).toBe(path.join("/tmp/openclaw", path.basename(resolveDefaultLogFile("/x"))));
  });
});

describe("createRollingFile", () => {
  it("creates the directory 0700 and the file 0600, appending lines", async () => {
    const dir = path.join(tmp, "nested", "logs");
    const file = open({ dir });
    file.write("one\n");
    file.write("two\n");
    await file.flush();
    expect(file.path).toBe(resolveDefaultLogFile(dir));
    expect(fs.readFileSync(file.path, "utf8")).toBe("one\ntwo\n");
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file.path).mode & 0o777).toBe(0o600);
  });

  it("switches to the next day's file at local midnight", async () => {
    const midnight = startOfToday();
    let now = new Date(midnight.getTime() - 60_000);
    const file = open({ dir: tmp, now: () => now });
    const yesterday = file.path;
    file.write("before\n");
    now = new Date(midnight.getTime() + 1_000);
    expect(file.path).toBe(resolveDefaultLogFile(tmp, midnight));
    file.write("after\n");
    await file.flush();
    expect(file.path).not.toBe(yesterday);
    expect(fs.readFileSync(yesterday, "utf8")).toBe("before\n");
    expect(fs.readFileSync(file.path, "utf8")).toBe("after\n");
  });

  it("prunes openclaw-*.log files older than 24 h on start, never the current file", async () => {
    const old = Date.now() / 1000 - 48 * 3600;
    const current = resolveDefaultLogFile(tmp);
    const files = {
      stale: path.join(tmp, "openclaw-2000-01-01.log"),
      recent: path.join(tmp, "openclaw-2000-01-02.log"),
      foreign: path.join(tmp, "other.log"),
    };
    for (const name of [...Object.values(files), current]) fs.writeFileSync(name, "x\n");
    for (const name of [files.stale, files.foreign, current]) fs.utimesSync(name, old, old);
    fs.utimesSync(files.recent, Date.now() / 1000 - 2 * 3600, Date.now() / 1000 - 2 * 3600);

    const file = open({ dir: tmp });
    await file.flush();
    expect(fs.existsSync(files.stale)).toBe(false);
    expect(fs.existsSync(files.recent)).toBe(true);
    expect(fs.existsSync(files.foreign)).toBe(true);
    expect(fs.existsSync(current)).toBe(true);
  });

  it("prunes again when it rolls", async () => {
    const midnight = startOfToday();
    let now = new Date(midnight.getTime() - 60_000);
    const file = open({ dir: tmp, now: () => now });
    file.write("a\n");
    await file.flush();
    const stale = path.join(tmp, "openclaw-2000-01-01.log");
    fs.writeFileSync(stale, "x\n");
    const staleTime = (midnight.getTime() - 30 * HOUR) / 1000;
    fs.utimesSync(stale, staleTime, staleTime);
    now = new Date(midnight.getTime() + 1_000);
    file.write("b\n");
    await file.flush();
    expect(fs.existsSync(stale)).toBe(false);
  });

  it("writes one warning at the size cap, drops later lines, and starts afresh on the next day", async () => {
    const midnight = startOfToday();
    let now = new Date(midnight.getTime() - 60_000);
    const file = open({ dir: tmp, maxFileBytes: 300, now: () => now });
    const first = file.path;
    for (let i = 0; i < 6; i++) file.write(line(String(i), 100));
    await file.flush();
    const lines = fs.readFileSync(first, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3)).toEqual(["0", "1", "2"].map((c) => c.repeat(99)));
    const warning = JSON.parse(lines[3]!) as Record<string, unknown>;
    expect(warning).toMatchObject({
      "0": "log file size cap reached (300 bytes); suppressing further file logs",
      msg: "log file size cap reached (300 bytes); suppressing further file logs",
      level: 40,
      _meta: { logLevelName: "WARN", date: now.toISOString() },
      time: now.toISOString(),
    });

    now = new Date(midnight.getTime() + 1_000);
    file.write(line("n", 100));
    await file.flush();
    expect(fs.readFileSync(file.path, "utf8")).toBe(line("n", 100));
    expect(fs.readFileSync(first, "utf8").trimEnd().split("\n")).toHaveLength(4);
  });

  it("counts bytes already in the file towards the cap", async () => {
    const target = path.join(tmp, "app.log");
    fs.writeFileSync(target, line("x", 250));
    const file = open({ file: target, maxFileBytes: 300 });
    file.write(line("y", 100));
    file.write(line("z", 10));
    await file.flush();
    const lines = fs.readFileSync(target, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("log file size cap reached");
  });

  it("never rolls or prunes an explicit file", async () => {
    const midnight = startOfToday();
    let now = new Date(midnight.getTime() - 60_000);
    const stale = path.join(tmp, "openclaw-2000-01-01.log");
    fs.writeFileSync(stale, "x\n");
    fs.utimesSync(stale, 0, 0);
    const target = path.join(tmp, "custom", "gateway.log");
    const file = open({ file: target, now: () => now });
    file.write("a\n");
    now = new Date(midnight.getTime() + 1_000);
    file.write("b\n");
    await file.flush();
    expect(file.path).toBe(target);
    expect(fs.readFileSync(target, "utf8")).toBe("a\nb\n");
    expect(fs.existsSync(stale)).toBe(true);
  });

  it("survives its directory being deleted and recreates it on the next roll", async () => {
    const dir = path.join(tmp, "logs");
    const midnight = startOfToday();
    let now = new Date(midnight.getTime() - 60_000);
    const file = open({ dir, now: () => now });
    file.write("a\n");
    await file.flush();
    await fs.promises.rm(dir, { recursive: true, force: true });
    file.write("lost\n");
    await file.flush();
    now = new Date(midnight.getTime() + 1_000);
    file.write("b\n");
    await file.flush();
    expect(fs.readFileSync(file.path, "utf8")).toBe("b\n");
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("reports the first error once and swallows the rest", async () => {
    const blocker = path.join(tmp, "not-a-dir");
    fs.writeFileSync(blocker, "");
    const errors: Error[] = [];
    const file = open({ file: path.join(blocker, "x.log"), onError: (err) => errors.push(err) });
    for (let i = 0; i < 3; i++) file.write("line\n");
    await file.flush();
    await file.close();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toMatch(/^E[A-Z]+$/);
  });

  it("retries a failed file after a pause instead of on every line", async () => {
    const parent = path.join(tmp, "later");
    fs.writeFileSync(parent, "");
    let now = new Date();
    const file = open({ file: path.join(parent, "x.log"), now: () => now, onError: () => {} });
    file.write("dropped\n");
    fs.rmSync(parent);
    file.write("still dropped\n");
    now = new Date(now.getTime() + 10_000);
    file.write("kept\n");
    await file.flush();
    expect(fs.readFileSync(file.path, "utf8")).toBe("kept\n");
  });

  it("drops writes after close", async () => {
    const file = open({ dir: tmp });
    file.write("kept\n");
    await file.close();
    file.write("dropped\n");
    await file.flush();
    expect(fs.readFileSync(file.path, "utf8")).toBe("kept\n");
  });
});
