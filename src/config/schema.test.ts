import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { configJsonSchema, OpenClawConfigSchema, SecretInputSchema, SecretRefSchema, type OpenClawConfig } from "./schema.js";

const UNCHECKED = [
  "channels", "plugins", "skills", "tools", "talk", "discovery", "canvasHost", "ui", "identity", "wizard",
  "diagnostics", "audio", "browser", "routing", "web", "memory", "mcp", "agent", "approvals", "media",
];

describe("configJsonSchema", () => {
  const schema = configJsonSchema();

  it("is plain draft-07 JSON Schema with a title", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.title).toBe("OpenClaw config");
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
  });

  it("is strict at the root and lists every known section", () => {
    expect(schema.additionalProperties).toBe(false);
    const keys = Object.keys(schema.properties as object);
    for (const key of ["$schema", "meta", "env", "gateway", "logging", "session", "agents", "models", "secrets", "hooks", "cron", "update", "telemetry", "commands", "messages", "bindings", ...UNCHECKED]) {
      expect(keys).toContain(key);
    }
    expect(schema.required).toBeUndefined();
  });

  it("compiles with a stock draft-07 validator", () => {
    const validate = new Ajv({ strict: false, inlineRefs: false }).compile(schema);
    expect(validate({ gateway: { port: 1 } })).toBe(true);
    expect(validate({ nope: 1 })).toBe(false);
  });

  it("returns a fresh copy each call", () => {
    const a = configJsonSchema();
    (a.properties as Record<string, unknown>).gateway = null;
    expect((configJsonSchema().properties as Record<string, unknown>).gateway).not.toBeNull();
  });
});

describe("secret schemas", () => {
  const ajv = new Ajv({ strict: false });
  const isRef = ajv.compile(SecretRefSchema);
  const isInput = ajv.compile(SecretInputSchema);

  it("accepts the three sources with their id formats", () => {
    expect(isRef({ source: "env", provider: "default", id: "OPENAI_API_KEY" })).toBe(true);
    expect(isRef({ source: "file", provider: "filemain", id: "/providers/openai/apiKey" })).toBe(true);
    expect(isRef({ source: "exec", provider: "vault", id: "openai/api-key:v1" })).toBe(true);
    expect(isRef({ source: "file", provider: "single", id: "value" })).toBe(true);
  });

  it("rejects bad ids, providers and extra keys", () => {
    expect(isRef({ source: "env", provider: "default", id: "lower" })).toBe(false);
    expect(isRef({ source: "file", provider: "f", id: "relative/pointer" })).toBe(false);
    expect(isRef({ source: "file", provider: "f", id: "values" })).toBe(false);
    expect(isRef({ source: "exec", provider: "v", id: "a/../b" })).toBe(false);
    expect(isRef({ source: "exec", provider: "v", id: "./b" })).toBe(false);
    expect(isRef({ source: "exec", provider: "v", id: "a/." })).toBe(false);
    expect(isRef({ source: "env", provider: "Bad", id: "X" })).toBe(false);
    expect(isRef({ source: "env", provider: "d", id: "X", extra: 1 })).toBe(false);
  });

  it("SecretInput is a string or a SecretRef", () => {
    expect(isInput("plain")).toBe(true);
    expect(isInput({ source: "env", provider: "default", id: "TOKEN" })).toBe(true);
    expect(isInput(5)).toBe(false);
  });
});

describe("OpenClawConfig type", () => {
  it("types sections from the schema", () => {
    const config: OpenClawConfig = {
      gateway: { mode: "local", port: 18789, auth: { mode: "token", token: { source: "env", provider: "default", id: "T" } } },
      agents: { defaults: { model: { primary: "a/b", fallbacks: [] } }, list: [{ id: "main" }] },
      channels: { telegram: { enabled: true } },
    };
    expect(OpenClawConfigSchema.properties.gateway).toBeDefined();
    expect(config.gateway?.mode).toBe("local");
  });
});
