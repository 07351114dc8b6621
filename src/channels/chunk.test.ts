import { describe, expect, it } from "vitest";
import { chunkText } from "./chunk.js";

describe("chunkText", () => {
  it("keeps short text whole and drops empty input", () => {
    expect(chunkText("hello", 10)).toEqual(["hello"]);
    expect(chunkText("   \n\n ", 10)).toEqual([]);
  });

  it("prefers paragraph, then line, then word boundaries", () => {
    expect(chunkText("aaaa bbbb\n\ncccc", 12)).toEqual(["aaaa bbbb", "cccc"]);
    expect(chunkText("aaaa\nbbbb cccc", 10)).toEqual(["aaaa", "bbbb cccc"]);
    expect(chunkText("aaaa bbbb cccc", 10)).toEqual(["aaaa bbbb", "cccc"]);
  });

  it("cuts an overlong word hard, never inside a surrogate pair", () => {
    expect(chunkText("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    const parts = chunkText("😀".repeat(6), 5);
    expect(parts.join("")).toBe("😀".repeat(6));
    expect(parts.every((p) => p.length <= 5 && !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });

  it("never exceeds the limit on long mixed text and loses no words", () => {
    const text = Array.from({ length: 300 }, (_, i) => `w${i}${i % 17 === 0 ? "\n\n" : i % 5 === 0 ? "\n" : " "}`).join("");
    const parts = chunkText(text, 64);
    expect(parts.every((p) => p.length <= 64 && p.length > 0)).toBe(true);
    expect(parts.join(" ").split(/\s+/)).toEqual(text.trim().split(/\s+/));
  });

  it("rejects a non-positive limit", () => {
    expect(() => chunkText("x", 0)).toThrow(RangeError);
  });
});
