import { describe, expect, it } from "vitest";
import { ConfigError, formatConfigIssue } from "./errors.js";

describe("formatConfigIssue", () => {
  it("prints file, dotted path and message on one line", () => {
    expect(formatConfigIssue({ file: "/c/openclaw.json", path: "gateway.port", message: "bad" })).toBe(
      "/c/openclaw.json: gateway.port: bad",
    );
  });

  it("names the root explicitly", () => {
    expect(formatConfigIssue({ file: "a.json", path: "", message: "expected object" })).toBe("a.json: (root): expected object");
  });
});

describe("ConfigError", () => {
  it("is an Error carrying its issues", () => {
    const issues = [
      { file: "a", path: "x", message: "one" },
      { file: "a", path: "", message: "two" },
    ];
    const error = ConfigError.fromIssues(issues);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigError");
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe("a: x: one\na: (root): two");
  });

  it("defaults to no issues for plain usage errors", () => {
    expect(new ConfigError("nope").issues).toEqual([]);
  });
});
