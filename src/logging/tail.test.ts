import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tailLogFile } from "./tail.js";

let tmp: string;
let file: string;

beforeEach(async () => {
  tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "openclaw-tail-"));
  file = path.join(tmp, "openclaw.log");
});

afterEach(async () => {
  await fs.promises.rm(tmp, { recursive: true, force: true });
});

function numbered(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `{"n":${from + i}}\n`).join("");
}

describe("tailLogFile without a cursor", () => {
  it("returns every line of a small file, cursor at its end", async () => {
    fs.writeFileSync(file, numbered(3));
    const size = fs.statSync(file).size;
    expect(await tailLogFile({ file })).toEqual({
      file,
      cursor: size,
      size,
      lines: ['{"n":1}', '{"n":2}', '{"n":3}'],
    });
  });

  it("keeps the last `limit` lines and says older ones exist", async () => {
    fs.writeFileSync(file, numbered(10));
    const result = await tailLogFile({ file, limit: 3 });
    expect(result.lines).toEqual(['{"n":8}', '{"n":9}', '{"n":10}']);
    expect(result.truncated).toBe(true);
    expect(result.cursor).toBe(result.size);
  });

  it("reads only the last maxBytes and drops the line cut by the window", async () => {
    fs.writeFileSync(file, numbered(5)); // 8 bytes per line, 9 for {"n":10}
    const result = await tailLogFile({ file, maxBytes: 20 });
    expect(result.lines).toEqual(['{"n":4}', '{"n":5}']);
    expect(result.truncated).toBe(true);
  });

  it("keeps a line that starts exactly at the window", async () => {
    fs.writeFileSync(file, numbered(5));
    const result = await tailLogFile({ file, maxBytes: 16 });
    expect(result.lines).toEqual(['{"n":4}', '{"n":5}']);
  });

  it("leaves an unfinished last line for later", async () => {
    fs.writeFileSync(file, `${numbered(2)}{"n":3`);
    const result = await tailLogFile({ file });
    expect(result.lines).toEqual(['{"n":1}', '{"n":2}']);
    expect(result.cursor).toBe(16);
    expect(result.size).toBe(22);
    const later = await tailLogFile({ file, cursor: result.cursor });
    expect(later.lines).toEqual([]);
    fs.appendFileSync(file, "}\n");
    expect((await tailLogFile({ file, cursor: result.cursor })).lines).toEqual(['{"n":3}']);
  });

  it("points at the start of an unfinished line longer than the window", async () => {
    fs.writeFileSync(file, `${numbered(1)}${"x".repeat(100)}`);
    const result = await tailLogFile({ file, maxBytes: 10 });
    expect(result).toMatchObject({ cursor: 8, lines: [], truncated: true });
  });

  it("skips blank lines", async () => {
    fs.writeFileSync(file, '{"n":1}\n\n\r\n{"n":2}\r\n');
    expect((await tailLogFile({ file })).lines).toEqual(['{"n":1}', '{"n":2}']);
  });

  it("reads a missing file as empty", async () => {
    expect(await tailLogFile({ file: path.join(tmp, "nope.log") })).toEqual({
      file: path.join(tmp, "nope.log"),
      cursor: 0,
      size: 0,
      lines: [],
    });
  });

  it("throws on other read errors", async () => {
    await expect(tailLogFile({ file: tmp })).rejects.toThrow();
  });
});

describe("tailLogFile with a cursor", () => {
  it("returns only the lines written after the cursor", async () => {
    fs.writeFileSync(file, numbered(2));
    const first = await tailLogFile({ file });
    fs.appendFileSync(file, numbered(2, 3));
    const next = await tailLogFile({ file, cursor: first.cursor });
    expect(next.lines).toEqual(['{"n":3}', '{"n":4}']);
    expect(next.cursor).toBe(next.size);
    expect(next).not.toHaveProperty("reset");
    const idle = await tailLogFile({ file, cursor: next.cursor });
    expect(idle).toMatchObject({ lines: [], cursor: next.size });
  });

  it("pages forward by `limit` lines without skipping any", async () => {
    fs.writeFileSync(file, numbered(5));
    const page1 = await tailLogFile({ file, cursor: 0, limit: 2 });
    expect(page1.lines).toEqual(['{"n":1}', '{"n":2}']);
    expect(page1.cursor).toBe(16);
    const page2 = await tailLogFile({ file, cursor: page1.cursor, limit: 2 });
    expect(page2.lines).toEqual(['{"n":3}', '{"n":4}']);
    const page3 = await tailLogFile({ file, cursor: page2.cursor, limit: 2 });
    expect(page3.lines).toEqual(['{"n":5}']);
    expect(page3.cursor).toBe(page3.size);
  });

  it("stops at maxBytes on a line boundary", async () => {
    fs.writeFileSync(file, numbered(5));
    const result = await tailLogFile({ file, cursor: 0, maxBytes: 20 });
    expect(result.lines).toEqual(['{"n":1}', '{"n":2}']);
    expect(result.cursor).toBe(16);
  });

  it("skips a line longer than maxBytes instead of stalling on it", async () => {
    fs.writeFileSync(file, `${"x".repeat(50)}\n${numbered(1)}`);
    const result = await tailLogFile({ file, cursor: 0, maxBytes: 10 });
    expect(result).toMatchObject({ lines: [], cursor: 51, truncated: true });
    expect((await tailLogFile({ file, cursor: result.cursor, maxBytes: 10 })).lines).toEqual(['{"n":1}']);
  });

  it("restarts from the beginning when the cursor is past the end", async () => {
    fs.writeFileSync(file, numbered(2));
    const result = await tailLogFile({ file, cursor: 10_000 });
    expect(result).toMatchObject({ lines: ['{"n":1}', '{"n":2}'], cursor: 16, size: 16, reset: true });
  });

  it("clamps limit and maxBytes into their ranges", async () => {
    fs.writeFileSync(file, numbered(3));
    expect((await tailLogFile({ file, limit: 0 })).lines).toEqual(['{"n":3}']);
    expect((await tailLogFile({ file, cursor: 0, limit: -5 })).lines).toEqual(['{"n":1}']);
    expect((await tailLogFile({ file, limit: 1e9, maxBytes: 1e9 })).lines).toHaveLength(3);
    expect((await tailLogFile({ file, cursor: 0, maxBytes: 0 })).lines).toEqual([]);
  });

  it("returns at most 5000 lines", async () => {
    fs.writeFileSync(file, "{}\n".repeat(6000));
    const result = await tailLogFile({ file, limit: 10_000 });
    expect(result.lines).toHaveLength(5000);
    expect(result.truncated).toBe(true);
  });
});
