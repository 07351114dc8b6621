import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, resolveConsoleLevel, type GatewayLogger, type LoggerOptions } from "./logger.js";
import { resolveDefaultLogFile } from "./rolling-file.js";

let tmp: string;
const loggers: GatewayLogger[] = [];

beforeEach(async () => {
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "openclaw-logger-"));
});

afterEach(async () => {
  await Promise.all(loggers.splice(0).map((logger) => logger.close()));
  await fs.promises.rm(tmp, { recursive: true, force: true });
});

interface Harness {
  log: GatewayLogger;
  console: () => string;
  fileLines: () => Promise<Record<string, unknown>[]>;
}

function setup(opts: LoggerOptions = {}, tty = false): Harness {
  const out = new PassThrough();
  if (tty) Object.assign(out, { isTTY: true });
  const chunks: string[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  const log = createLogger({ dir: tmp, consoleStream: out, ...opts });
  loggers.push(log);
  return {
    log,
    console: () => chunks.join(""),
    fileLines: async () => {
      await log.flush();
      if (!fs.existsSync(log.filePath)) return [];
      const text = fs.readFileSync(log.filePath, "utf8");
      return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

describe("file lines", () => {
  it("have our keys and the tslog keys the reference parser reads", async () => {
    const at = new Date("2025-03-04T05:06:07.089Z");
    const { log, fileLines } = setup({ console: false, now: () => at });
    log.child("gateway/ws").info("connected", { connId: "c1", ms: 12 });
    log.child("gateway").warn("no fields");
    const [first, second] = await fileLines();
    expect(first).toEqual({
      "0": "connected",
      "1": { connId: "c1", ms: 12 },
      _meta: { logLevelName: "INFO", date: at.toISOString(), name: JSON.stringify({ subsystem: "gateway/ws" }) },
      time: at.toISOString(),
      level: 30,
      subsystem: "gateway/ws",
      msg: "connected",
    });
    expect(second).not.toHaveProperty("1");
    expect(second).toMatchObject({ level: 40, subsystem: "gateway", msg: "no fields" });
    expect(log.filePath).toBe(resolveDefaultLogFile(tmp, at));
  });

  it("make field values JSON-safe", async () => {
    const { log, fileLines } = setup({ console: false });
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const err = Object.assign(new Error("boom", { cause: new Error("root") }), { code: "E_BOOM" });
    log.error("failed", { err, id: 10n, tags: new Set(["a"]), circular });
    const [line] = await fileLines();
    const fields = line?.["1"] as Record<string, Record<string, unknown>>;
    expect(fields.err).toMatchObject({ name: "Error", message: "boom", code: "E_BOOM", cause: { message: "root" } });
    expect(fields.err?.stack).toContain("Error: boom");
    expect(fields.id).toBe("10");
    expect(fields.tags).toEqual(["a"]);
    expect(fields.circular?.name).toBe("loop");
  });

  it("keep printf-like text in messages verbatim", async () => {
    const { log, fileLines } = setup({ console: false });
    log.info("100%s done %d");
    expect((await fileLines())[0]?.msg).toBe("100%s done %d");
  });

  it("name nested subsystems with slashes", async () => {
    const { log, fileLines } = setup({ console: false });
    log.child("gateway").child("ws").info("x");
    log.info("root");
    const [nested, root] = await fileLines();
    expect(nested?.subsystem).toBe("gateway/ws");
    expect(JSON.stringify(nested).match(/"subsystem":/g)).toHaveLength(1);
    expect(root).not.toHaveProperty("subsystem");
    expect(root?._meta).not.toHaveProperty("name");
  });

  it("go to the next day's file after midnight", async () => {
    const now = new Date();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    let at = new Date(midnight.getTime() - 1_000);
    const { log } = setup({ console: false, now: () => at });
    const before = log.filePath;
    log.info("late");
    at = new Date(midnight.getTime() + 1_000);
    log.info("early");
    await log.flush();
    expect(log.filePath).toBe(resolveDefaultLogFile(tmp, midnight));
    expect(fs.readFileSync(before, "utf8")).toContain('"msg":"late"');
    expect(fs.readFileSync(log.filePath, "utf8")).toContain('"msg":"early"');
  });

  it("honour an explicit file", async () => {
    const file = path.join(tmp, "custom", "gw.log");
    const { log, fileLines } = setup({ console: false, file });
    log.info("hi");
    expect(log.filePath).toBe(file);
    expect(await fileLines()).toHaveLength(1);
  });
});

describe("levels", () => {
  it("are independent for file and console", async () => {
    const { log, console, fileLines } = setup({ level: "debug", consoleLevel: "warn" });
    log.debug("file only");
    log.warn("both");
    const file = await fileLines();
    expect(file.map((line) => line.msg)).toEqual(["file only", "both"]);
    expect(console()).not.toContain("file only");
    expect(console()).toContain("both");
  });

  it("let the console be more verbose than the file", async () => {
    const { log, console, fileLines } = setup({ level: "warn", consoleLevel: "trace" });
    log.trace("console only");
    log.error("both");
    expect((await fileLines()).map((line) => line.msg)).toEqual(["both"]);
    expect(console()).toContain("console only");
  });

  it("skip disabled records before building them", async () => {
    let clockReads = 0;
    const { log, fileLines } = setup({
      level: "info",
      consoleLevel: "warn",
      now: () => {
        clockReads++;
        return new Date();
      },
    });
    const reads = clockReads;
    log.debug("nothing");
    log.trace("nothing");
    expect(clockReads).toBe(reads);
    expect(log.isLevelEnabled("debug")).toBe(false);
    expect(log.isLevelEnabled("info")).toBe(true);
    expect(log.isLevelEnabled("silent")).toBe(false);
    expect(await fileLines()).toEqual([]);
  });

  it("write no file at all when the file level is silent", async () => {
    const { log, console } = setup({ level: "silent" });
    log.info("console still works");
    await log.flush();
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(console()).toContain("console still works");
  });

  it("write no console output when console is off", async () => {
    const { log, console, fileLines } = setup({ console: false });
    log.error("file only");
    expect(await fileLines()).toHaveLength(1);
    expect(console()).toBe("");
  });

  it("lower the console to debug when verbose, and only the console", async () => {
    expect(resolveConsoleLevel({ verbose: true })).toBe("debug");
    expect(resolveConsoleLevel({ verbose: true, consoleLevel: "trace" })).toBe("trace");
    expect(resolveConsoleLevel({ consoleLevel: "warn" })).toBe("warn");
    const { log, console, fileLines } = setup({ verbose: true });
    log.debug("verbose detail");
    expect(console()).toContain("verbose detail");
    expect(await fileLines()).toEqual([]);
  });
});

describe("console styles", () => {
  const at = new Date(2025, 0, 2, 3, 4, 5);

  it("compact is the default off a TTY: time, level, subsystem, message, fields", async () => {
    const { log, console } = setup({ level: "silent", now: () => at });
    log.child("gateway/ws").warn("slow call", { method: "chat.send", ms: 75, note: "two words" });
    await log.flush();
    expect(console()).toBe('03:04:05 warn  [gateway/ws] slow call method=chat.send ms=75 note="two words"\n');
  });

  it("pretty omits the level and uses no colour off a TTY", async () => {
    const { log, console } = setup({ level: "silent", consoleStyle: "pretty", now: () => at });
    log.child("gateway").error("bind failed", { port: 18789 });
    await log.flush();
    expect(console()).toBe("03:04:05 [gateway] bind failed port=18789\n");
  });

  it("pretty is the default on a TTY and colours by level", async () => {
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      const { log, console } = setup({ level: "silent", now: () => at }, true);
      log.child("gateway").error("bind failed");
      await log.flush();
      expect(console()).toContain("\u001b[31mbind failed\u001b[0m");
      expect(console().replace(/\u001b\[[0-9;]*m/g, "")).toBe("03:04:05 [gateway] bind failed\n");
    } finally {
      if (saved !== undefined) process.env.NO_COLOR = saved;
    }
  });

  it("json writes the file line itself", async () => {
    const { log, console, fileLines } = setup({ consoleStyle: "json", now: () => at });
    log.child("gateway").info("ready", { plugins: 0 });
    const [fileLine] = await fileLines();
    expect(JSON.parse(console())).toEqual(fileLine);
  });
});
