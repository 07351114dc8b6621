import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { parseLogLine } from "./parse-log-line.js";

describe("parseLogLine", () => {
  it("reads a line written by our logger", async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "openclaw-parse-"));
    const at = new Date("2025-06-01T12:00:00.000Z");
    const log = createLogger({ dir, console: false, now: () => at });
    log.child("gateway/ws").warn("slow call", { method: "health", ms: 61 });
    await log.close();
    const [line] = fs.readFileSync(log.filePath, "utf8").split("\n");
    await fs.promises.rm(dir, { recursive: true, force: true });
    expect(parseLogLine(line!)).toEqual({
      time: at.toISOString(),
      level: "warn",
      subsystem: "gateway/ws",
      message: "slow call",
      fields: { method: "health", ms: 61 },
    });
  });

  it("reads the reference's tslog shape", () => {
    const line = JSON.stringify({
      "0": "webchat connected",
      "1": { connId: "abc" },
      _meta: {
        runtime: "node",
        name: JSON.stringify({ subsystem: "gateway/ws", module: "ws" }),
        parentNames: ["openclaw"],
        date: "2025-01-01T10:00:00.000Z",
        logLevelId: 3,
        logLevelName: "INFO",
      },
      time: "2025-01-01T10:00:00.001Z",
    });
    expect(parseLogLine(line)).toEqual({
      time: "2025-01-01T10:00:00.001Z",
      level: "info",
      subsystem: "gateway/ws",
      message: "webchat connected",
      fields: { connId: "abc" },
    });
  });

  it("joins positional tslog arguments and falls back to _meta.date", () => {
    const line = JSON.stringify({
      "0": "listening on",
      "1": 18789,
      "2": "port",
      _meta: { logLevelName: "ERROR", date: "2025-01-01T00:00:00.000Z", name: "openclaw" },
    });
    expect(parseLogLine(line)).toEqual({
      time: "2025-01-01T00:00:00.000Z",
      level: "error",
      subsystem: "openclaw",
      message: "listening on 18789 port",
    });
  });

  it("takes the subsystem from a leading bindings argument", () => {
    const line = JSON.stringify({ "0": '{"subsystem":"gateway"}', "1": "ready", _meta: { logLevelName: "INFO" } });
    expect(parseLogLine(line)).toMatchObject({ subsystem: "gateway", message: "ready", level: "info" });
  });

  it("keeps unknown tslog levels lowercased", () => {
    expect(parseLogLine('{"0":"x","_meta":{"logLevelName":"SILLY"}}')?.level).toBe("silly");
  });

  it("reads plain pino lines", () => {
    const line = '{"level":50,"time":1735689600000,"pid":1,"msg":"down"}';
    expect(parseLogLine(line)).toEqual({ time: "2025-01-01T00:00:00.000Z", level: "error", message: "down" });
  });

  it("returns null for lines that are not JSON objects", () => {
    expect(parseLogLine("plain text")).toBeNull();
    expect(parseLogLine("{broken")).toBeNull();
    expect(parseLogLine("[1,2]")).toBeNull();
    expect(parseLogLine("")).toBeNull();
  });
});
