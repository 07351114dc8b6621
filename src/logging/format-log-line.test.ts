import { describe, expect, it } from "vitest";
import { formatConsoleLine, formatFields, formatLogLine } from "./format-log-line.js";
import type { ParsedLogLine } from "./parse-log-line.js";

const record: ParsedLogLine = {
  time: "2025-01-02T03:04:05.006Z",
  level: "warn",
  subsystem: "gateway/ws",
  message: "slow call",
  fields: { method: "chat.send", ms: 75 },
};

const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "");

describe("formatLogLine", () => {
  it("pretty: clock time, level, subsystem, message, fields", () => {
    const text = formatLogLine(record, { style: "pretty", color: false, localTime: false });
    expect(text).toBe("03:04:05 warn  [gateway/ws] slow call method=chat.send ms=75");
  });

  it("pretty with colour paints the level", () => {
    const text = formatLogLine(record, { style: "pretty", color: true, localTime: false });
    expect(text).toContain("\u001b[33mwarn ");
    expect(stripAnsi(text)).toBe("03:04:05 warn  [gateway/ws] slow call method=chat.send ms=75");
  });

  it("plain: full UTC timestamp and never colour", () => {
    const text = formatLogLine(record, { style: "plain", color: true, localTime: false });
    expect(text).toBe("2025-01-02T03:04:05.006Z warn  [gateway/ws] slow call method=chat.send ms=75");
  });

  it("localTime shows the local clock", () => {
    const local = new Date(record.time!);
    const hh = String(local.getHours()).padStart(2, "0");
    const pretty = formatLogLine(record, { style: "pretty", color: false, localTime: true });
    expect(pretty.startsWith(`${hh}:04:`)).toBe(true);
    const plain = formatLogLine(record, { style: "plain", color: false, localTime: true });
    expect(plain).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.006 warn/);
  });

  it("json: the parsed record as one object", () => {
    const text = formatLogLine(record, { style: "json", color: true, localTime: true });
    expect(JSON.parse(text)).toEqual(record);
  });

  it("copes with records missing time, level and subsystem", () => {
    expect(formatLogLine({ message: "bare" }, { style: "pretty", color: true, localTime: false })).toBe("bare");
    expect(formatLogLine({ message: "bare", time: "nonsense" }, { style: "plain", color: false, localTime: true })).toBe(
      "nonsense bare",
    );
  });
});

describe("formatConsoleLine", () => {
  it("pretty shows the level by colour only", () => {
    const text = formatConsoleLine({ ...record, level: "error" }, "pretty", true);
    expect(text).toContain("\u001b[31mslow call\u001b[0m");
    expect(stripAnsi(text)).toMatch(/^\d{2}:\d{2}:05 \[gateway\/ws\] slow call method=chat.send ms=75$/);
  });

  it("compact names the level and never colours", () => {
    const text = formatConsoleLine(record, "compact", true);
    expect(text).toMatch(/^\d{2}:\d{2}:05 warn  \[gateway\/ws\] slow call method=chat.send ms=75$/);
  });
});

describe("formatFields", () => {
  it("quotes values that would not stay one token and shows error messages", () => {
    const fields = {
      plain: "abc",
      spaced: "a b",
      empty: "",
      quote: 'say "hi"',
      n: null,
      flag: true,
      list: [1, 2],
      err: { name: "Error", message: "boom", stack: "Error: boom\n    at x" },
      skipped: undefined,
    };
    expect(formatFields(fields)).toBe(
      'plain=abc spaced="a b" empty="" quote="say \\"hi\\"" n=null flag=true list=[1,2] err="boom"',
    );
    expect(formatFields({})).toBeUndefined();
    expect(formatFields(undefined)).toBeUndefined();
  });
});
