import { describe, expect, it } from "vitest";
import { findCommandName } from "./program.js";

describe("findCommandName", () => {
  it("skips root options and the --profile value", () => {
    expect(findCommandName(["health", "--json"])).toBe("health");
    expect(findCommandName(["--dev", "gateway", "status"])).toBe("gateway");
    expect(findCommandName(["--profile", "work", "config", "get", "x"])).toBe("config");
    expect(findCommandName(["--profile=work", "logs"])).toBe("logs");
    expect(findCommandName(["--version"])).toBeUndefined();
    expect(findCommandName([])).toBeUndefined();
  });
});
