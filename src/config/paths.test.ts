import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import {
  applyCliProfile,
  DEFAULT_GATEWAY_PORT,
  DEV_GATEWAY_PORT,
  isValidProfileName,
  resolveConfigPath,
  resolveGatewayLockPath,
  resolveHomeDir,
  resolveStateDir,
  resolveWorkspaceDir,
} from "./paths.js";

const HOME = path.resolve("/home/alice");

describe("resolveHomeDir", () => {
  it("prefers OPENCLAW_HOME, expanding ~ against the real home", () => {
    expect(resolveHomeDir({ OPENCLAW_HOME: "/srv/claw", HOME })).toBe(path.resolve("/srv/claw"));
    expect(resolveHomeDir({ OPENCLAW_HOME: "~/claw", HOME })).toBe(path.join(HOME, "claw"));
    expect(resolveHomeDir({ OPENCLAW_HOME: "~", HOME })).toBe(HOME);
  });

  it("falls back to HOME, then USERPROFILE, then os.homedir()", () => {
    expect(resolveHomeDir({ HOME, USERPROFILE: "/u" })).toBe(HOME);
    expect(resolveHomeDir({ USERPROFILE: "/u" })).toBe(path.resolve("/u"));
    expect(resolveHomeDir({ HOME: "  " })).toBe(path.resolve(os.homedir()));
    expect(resolveHomeDir({})).toBe(path.resolve(os.homedir()));
  });
});

describe("resolveStateDir / resolveConfigPath / resolveWorkspaceDir", () => {
  it("uses ~/.openclaw by default and for the default profile", () => {
    expect(resolveStateDir({ HOME })).toBe(path.join(HOME, ".openclaw"));
    expect(resolveStateDir({ HOME, OPENCLAW_PROFILE: "default" })).toBe(path.join(HOME, ".openclaw"));
    expect(resolveConfigPath({ HOME })).toBe(path.join(HOME, ".openclaw", "openclaw.json"));
    expect(resolveWorkspaceDir({ HOME })).toBe(path.join(HOME, ".openclaw", "workspace"));
  });

  it("suffixes the profile name", () => {
    const env = { HOME, OPENCLAW_PROFILE: "work" };
    expect(resolveStateDir(env)).toBe(path.join(HOME, ".openclaw-work"));
    expect(resolveConfigPath(env)).toBe(path.join(HOME, ".openclaw-work", "openclaw.json"));
    expect(resolveWorkspaceDir(env)).toBe(path.join(HOME, ".openclaw", "workspace-work"));
  });

  it("honours explicit OPENCLAW_STATE_DIR and OPENCLAW_CONFIG_PATH with ~ expansion", () => {
    const env = { HOME, OPENCLAW_PROFILE: "work", OPENCLAW_STATE_DIR: "~/state" };
    expect(resolveStateDir(env)).toBe(path.join(HOME, "state"));
    expect(resolveConfigPath(env)).toBe(path.join(HOME, "state", "openclaw.json"));
    expect(resolveConfigPath({ ...env, OPENCLAW_CONFIG_PATH: "~/c.json5" })).toBe(path.join(HOME, "c.json5"));
  });

  it("derives everything from OPENCLAW_HOME when set", () => {
    const env = { HOME, OPENCLAW_HOME: "/opt/claw" };
    expect(resolveStateDir(env)).toBe(path.join(path.resolve("/opt/claw"), ".openclaw"));
    expect(resolveWorkspaceDir(env)).toBe(path.join(path.resolve("/opt/claw"), ".openclaw", "workspace"));
  });
});

describe("resolveGatewayLockPath", () => {
  it("keys the lock by a sha256 prefix of the config path, under a per-uid dir", () => {
    const configPath = "/home/alice/.openclaw/openclaw.json";
    const digest = createHash("sha256").update(configPath).digest("hex").slice(0, 8);
    expect(resolveGatewayLockPath(configPath, 501)).toBe(path.join(os.tmpdir(), "openclaw-501", `gateway.${digest}.lock`));
    expect(resolveGatewayLockPath("/other.json", 501)).not.toBe(resolveGatewayLockPath(configPath, 501));
  });
});

describe("profiles", () => {
  it("accepts letters, digits, _ and - only", () => {
    expect(isValidProfileName("dev_2-x")).toBe(true);
    for (const bad of ["", "a b", "../x", "a/b", "ü", undefined]) expect(isValidProfileName(bad)).toBe(false);
  });

  it("--dev is profile dev plus the dev port", () => {
    const env: NodeJS.ProcessEnv = { HOME };
    applyCliProfile({ dev: true }, env);
    expect(env.OPENCLAW_PROFILE).toBe("dev");
    expect(env.OPENCLAW_GATEWAY_PORT).toBe(String(DEV_GATEWAY_PORT));
    expect(resolveStateDir(env)).toBe(path.join(HOME, ".openclaw-dev"));
    expect(DEFAULT_GATEWAY_PORT).toBe(18789);
  });

  it("--dev keeps an explicit port, state dir and config path", () => {
    const env: NodeJS.ProcessEnv = { HOME, OPENCLAW_GATEWAY_PORT: "20000", OPENCLAW_STATE_DIR: "/s", OPENCLAW_CONFIG_PATH: "/c.json" };
    applyCliProfile({ dev: true }, env);
    expect(env).toMatchObject({ OPENCLAW_GATEWAY_PORT: "20000", OPENCLAW_STATE_DIR: "/s", OPENCLAW_CONFIG_PATH: "/c.json" });
    expect(resolveStateDir(env)).toBe(path.resolve("/s"));
  });

  it("--profile sets OPENCLAW_PROFILE only", () => {
    const env: NodeJS.ProcessEnv = { HOME };
    applyCliProfile({ profile: "work" }, env);
    expect(env).toEqual({ HOME, OPENCLAW_PROFILE: "work" });
  });

  it("does nothing without flags", () => {
    const env: NodeJS.ProcessEnv = { HOME, OPENCLAW_PROFILE: "x" };
    applyCliProfile({}, env);
    expect(env).toEqual({ HOME, OPENCLAW_PROFILE: "x" });
  });

  it("rejects --dev with --profile and bad names", () => {
    expect(() => applyCliProfile({ dev: true, profile: "x" }, {})).toThrow(new ConfigError("Cannot combine --dev with --profile"));
    expect(() => applyCliProfile({ profile: "a/b" }, {})).toThrow('Invalid --profile (use letters, numbers, "_" or "-")');
    expect(() => applyCliProfile({ profile: "" }, {})).toThrow(ConfigError);
  });
});

describe("module boundaries", () => {
  it("imports only node built-ins and the import-free errors module", async () => {
    const { readFile } = await import("node:fs/promises");
    const here = path.dirname(fileURLToPath(import.meta.url));
    const importsOf = async (file: string) =>
      [...(await readFile(path.join(here, file), "utf8")).matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect((await importsOf("paths.ts")).filter((spec) => !spec!.startsWith("node:"))).toEqual(["./errors.js"]);
    expect(await importsOf("errors.ts")).toEqual([]);
  });
});
