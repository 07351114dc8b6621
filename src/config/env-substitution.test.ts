import { describe, expect, it } from "vitest";
import { substituteEnv } from "./env-substitution.js";
import { ConfigError } from "./errors.js";

describe("substituteEnv", () => {
  it("replaces ${VAR} in every string, deep in objects and arrays", () => {
    const env = { TOKEN: "t0k", HOST: "h", PORT: "1" };
    const input = { gateway: { auth: { token: "${TOKEN}" }, remote: { url: "ws://${HOST}:${PORT}/x" } }, list: ["${HOST}", 5, true, null] };
    expect(substituteEnv(input, env, "c.json")).toEqual({
      gateway: { auth: { token: "t0k" }, remote: { url: "ws://h:1/x" } },
      list: ["h", 5, true, null],
    });
    expect(input.gateway.auth.token).toBe("${TOKEN}");
  });

  it("only treats upper-case names as variables", () => {
    const input = { a: "${lower} ${Mixed} ${1X} ${} $VAR ${A-B}" };
    expect(substituteEnv(input, {}, "c.json")).toEqual(input);
  });

  it("unescapes $${VAR} to a literal ${VAR} without requiring the variable", () => {
    expect(substituteEnv({ a: "$${HOME_DIR} and ${X}" }, { X: "x" }, "c.json")).toEqual({ a: "${HOME_DIR} and x" });
  });

  it("does not substitute keys", () => {
    expect(substituteEnv({ "${X}": "v" }, { X: "x" }, "c.json")).toEqual({ "${X}": "v" });
  });

  it("reports every missing or empty variable at its path, all at once", () => {
    let caught: unknown;
    try {
      substituteEnv({ a: { b: "${MISSING}" }, list: [{ c: "${EMPTY} ${MISSING}" }], ok: "${SET}" }, { EMPTY: "", SET: "1" }, "/c.json");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).issues).toEqual([
      { file: "/c.json", path: "a.b", message: "missing environment variable MISSING" },
      { file: "/c.json", path: "list.0.c", message: "missing environment variable EMPTY" },
      { file: "/c.json", path: "list.0.c", message: "missing environment variable MISSING" },
    ]);
  });

  it("leaves non-string scalars untouched", () => {
    expect(substituteEnv(42, {}, "c")).toBe(42);
    expect(substituteEnv("${A}", { A: "a" }, "c")).toBe("a");
  });
});
