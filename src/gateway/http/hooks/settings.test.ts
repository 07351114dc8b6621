import { describe, expect, it } from "vitest";
import { SecretsSnapshot } from "../../../secrets/snapshot.js";
import type { OpenClawConfig } from "../../../config/schema.js";
import { HookConfigMessages, resolveHooksSettings, validateHooksConfig } from "./settings.js";

const cfg = (hooks: Record<string, unknown>) => ({ hooks }) as unknown as OpenClawConfig;
const gatewayAuth = { token: "gateway-secret" };
const opts = { env: { HOOK_TOKEN: "from-env" }, configPath: "/etc/openclaw/openclaw.json" };

describe("validateHooksConfig", () => {
  it("is null when hooks are off or usable", () => {
    expect(validateHooksConfig(cfg({}), gatewayAuth, opts)).toBeNull();
    expect(validateHooksConfig(cfg({ enabled: false, path: "/" }), gatewayAuth, opts)).toBeNull();
    expect(validateHooksConfig(cfg({ enabled: true, token: "hook-secret" }), gatewayAuth, opts)).toBeNull();
  });

  it("returns the reference's exact startup refusals", () => {
    expect(validateHooksConfig(cfg({ enabled: true }), gatewayAuth, opts)).toBe("hooks.enabled requires hooks.token");
    expect(validateHooksConfig(cfg({ enabled: true, token: "  " }), gatewayAuth, opts)).toBe(HookConfigMessages.tokenRequired);
    expect(validateHooksConfig(cfg({ enabled: true, token: "t", path: "/" }), gatewayAuth, opts)).toBe("hooks.path may not be '/'");
    expect(validateHooksConfig(cfg({ enabled: true, token: "t", path: "///" }), gatewayAuth, opts)).toBe(HookConfigMessages.rootPath);
    expect(validateHooksConfig(cfg({ enabled: true, token: "gateway-secret" }), gatewayAuth, opts)).toBe(
      "Invalid config: hooks.token must not match gateway auth token. Set a distinct hooks.token for hook ingress.",
    );
    expect(validateHooksConfig(cfg({ enabled: true, token: "pw" }), { password: "pw" }, opts)).toBe(HookConfigMessages.tokenMatchesGateway);
  });

  it("reads a hooks.token secret reference from the secrets snapshot", () => {
    const secrets = new SecretsSnapshot(new Map([["hooks.token", "from-snapshot"]]));
    const s = resolveHooksSettings(cfg({ enabled: true, token: { source: "env", provider: "default", id: "HOOK_TOKEN" } }), { ...opts, secrets });
    expect(s?.token).toBe("from-snapshot");
    expect(validateHooksConfig(cfg({ enabled: true, token: { source: "env", provider: "default", id: "NOPE" } }), gatewayAuth, opts)).toMatch(
      /^hooks.token is a secret reference \(env provider "default"\) with no resolved value/,
    );
  });

  it("refuses bad mappings, unknown presets and transform modules outside transformsDir", () => {
    const base = { enabled: true, token: "t" };
    expect(validateHooksConfig(cfg({ ...base, mappings: [{ match: {} }] }), gatewayAuth, opts)).toBe("hooks.mappings[0].match needs path or source");
    expect(validateHooksConfig(cfg({ ...base, presets: ["nope"] }), gatewayAuth, opts)).toMatch(/unknown preset "nope"/);
    expect(validateHooksConfig(cfg({ ...base, mappings: [{ match: { path: "x" }, transform: { module: "../evil.mjs" } }] }), gatewayAuth, opts)).toBe(
      'hooks.mappings[0]: transform module "../evil.mjs" is outside hooks.transformsDir (/etc/openclaw/hooks/transforms)',
    );
    expect(validateHooksConfig(cfg({ ...base, mappings: [{ match: { path: "x" }, transform: { module: "/tmp/evil.mjs" } }] }), gatewayAuth, opts)).toMatch(/outside hooks.transformsDir/);
    expect(validateHooksConfig(cfg({ ...base, mappings: [{ match: { path: "x" }, transform: { module: "t.ts" } }] }), gatewayAuth, opts)).toBe(
      'hooks.mappings[0]: transform module "t.ts" must be a .js or .mjs file',
    );
  });
});

describe("resolveHooksSettings", () => {
  it("applies the defaults", () => {
    expect(resolveHooksSettings(cfg({ enabled: true, token: "t" }), opts)).toEqual({
      basePath: "/hooks",
      token: "t",
      maxBodyBytes: 256 * 1024,
      allowRequestSessionKey: false,
      mappings: [],
      transformsDir: "/etc/openclaw/hooks/transforms",
    });
  });

  it("normalises the path, resolves transformsDir against the config dir, puts presets after mappings", () => {
    const s = resolveHooksSettings(
      cfg({ enabled: true, token: "t", path: "ingress/", transformsDir: "tx", presets: ["gmail"], mappings: [{ match: { path: "gmail" }, messageTemplate: "mine" }], allowedAgentIds: [], defaultSessionKey: "hook:in" }),
      opts,
    )!;
    expect(s.basePath).toBe("/ingress");
    expect(s.transformsDir).toBe("/etc/openclaw/tx");
    expect(s.mappings.map((m) => m.id)).toEqual(["hooks.mappings[0]", "preset:gmail"]);
    expect(s.allowedAgentIds).toEqual([]);
    expect(s.defaultSessionKey).toBe("hook:in");
  });
});
