import { describe, expect, it } from "vitest";
import { validateConfig } from "./validate.js";

const FILE = "/cfg/openclaw.json";
const issuesOf = (value: unknown) => validateConfig(value, FILE).map((i) => `${i.path}: ${i.message}`);

const FULL_CONFIG = {
  $schema: "https://example.invalid/schema.json",
  meta: { lastTouchedVersion: "1.0.0", lastTouchedAt: "2026-01-01T00:00:00.000Z" },
  env: { OPENROUTER_API_KEY: "sk", vars: { GROQ_API_KEY: "g" }, shellEnv: { enabled: true, timeoutMs: 15000 } },
  gateway: {
    mode: "local", port: 18789, bind: "custom", customBindHost: "10.0.0.2",
    auth: {
      mode: "trusted-proxy", token: "t", password: { source: "env", provider: "default", id: "PW" }, allowTailscale: true,
      rateLimit: { maxAttempts: 10, windowMs: 60000, lockoutMs: 300000, exemptLoopback: true },
      trustedProxy: { userHeader: "x-user", requiredHeaders: ["x-a"], allowUsers: ["a"] },
    },
    trustedProxies: ["10.0.0.1"], allowRealIpFallback: false, tailscale: { mode: "serve", resetOnExit: true },
    controlUi: {
      enabled: true, basePath: "/ui", root: "dist", embedSandbox: "scripts", allowExternalEmbedUrls: false, allowedOrigins: ["https://x"],
      dangerouslyAllowHostHeaderOriginFallback: false, allowInsecureAuth: false, dangerouslyDisableDeviceAuth: false,
    },
    remote: { enabled: true, url: "wss://r", transport: "direct", token: "rt", password: "rp", tlsFingerprint: "ab", sshTarget: "u@h", sshIdentity: "~/.ssh/id" },
    reload: { mode: "hybrid", debounceMs: 300, deferralTimeoutMs: 300000 },
    tls: { enabled: true, autoGenerate: false, certPath: "/c", keyPath: "/k", caPath: "/ca" },
    http: {
      endpoints: {
        chatCompletions: { enabled: true, maxBodyBytes: 1000, maxImageParts: 4, maxTotalImageBytes: 100, images: { allowUrl: false, urlAllowlist: [], allowedMimes: ["image/png"], maxBytes: 10, maxRedirects: 0, timeoutMs: 100 } },
        responses: { enabled: true, maxBodyBytes: 1000, maxUrlParts: 2, files: { allowUrl: true, maxChars: 10, pdf: { maxPages: 2, maxPixels: 100, minTextChars: 0 } }, images: {} },
      },
      securityHeaders: { strictTransportSecurity: false },
    },
    tools: { deny: ["browser"], allow: ["gateway"] },
    nodes: { allowCommands: ["canvas.navigate"], denyCommands: ["system.run"], browser: { anything: 1 } },
    push: { apns: { relay: { baseUrl: "https://relay", timeoutMs: 10000 } } },
    webchat: { chatHistoryMaxChars: 1000 },
    channelHealthCheckMinutes: 5, channelStaleEventThresholdMinutes: 30, channelMaxRestartsPerHour: 10, maxBufferedBytes: 1048576,
  },
  logging: { level: "info", file: "/tmp/x.log", maxFileBytes: 100, consoleLevel: "debug", consoleStyle: "json", redactSensitive: "tools" },
  session: { scope: "per-sender", mainKey: "main" },
  agents: {
    defaults: {
      workspace: "~/w", model: { primary: "anthropic/claude", fallbacks: ["openai/gpt"] }, models: { "openai/gpt-4.1": { alias: "gpt", params: { t: 1 } } },
      imageModel: "a/b", pdfModel: "a/c", params: {}, thinkingDefault: "low", verboseDefault: "full", elevatedDefault: "on",
      timeoutSeconds: 600, mediaMaxMb: 5.5, contextTokens: 200000, maxConcurrent: 4, heartbeat: { every: "30m" }, sandbox: {},
      skipBootstrap: false, userTimezone: "Europe/Paris", subagents: {}, compaction: {},
    },
    list: [{ id: "main", default: true, name: "M", workspace: "/w", agentDir: "/a", model: "a/b", params: {}, skills: ["s"], identity: { name: "n", theme: "t", emoji: "🦞", avatar: "a.png" }, tools: {}, subagents: {}, sandbox: {}, runtime: {} }],
    entries: { main: { anything: true } },
  },
  models: {
    mode: "merge", catalogRefresh: { enabled: true },
    providers: { local: { baseUrl: "http://l", apiKey: "k", api: "openai-completions", auth: "api-key", authHeader: true, headers: { "x-a": "b" }, request: {}, models: [{ id: "m", name: "M", reasoning: true, input: ["text"], cost: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 }, contextWindow: 1000, contextTokens: 900, maxTokens: 100, api: "openai-responses" }] } },
  },
  secrets: {
    providers: { default: { source: "env" }, f: { source: "file", path: "~/s.json", mode: "json", timeoutMs: 5000 }, v: { source: "exec", command: "/bin/v", passEnv: ["PATH"], allowSymlinkCommand: false, trustedDirs: ["/bin"], allowInsecurePath: false, timeoutMs: 1000 } },
    defaults: { env: "default", file: "f", exec: "v" },
  },
  hooks: { enabled: true, token: "h", path: "/hooks", maxBodyBytes: 1000, allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:"], allowedAgentIds: ["main"], defaultSessionKey: "hook:x", mappings: [{ match: { path: "g" } }], transformsDir: "/t", presets: ["gmail"], gmail: { account: "a" } },
  cron: { enabled: true, store: "/c.json", maxConcurrentRuns: 2, runLog: { keepLines: 100, maxBytes: 65536 } },
  update: { checkOnStart: true, channel: "stable" },
  telemetry: { enabled: false },
  commands: { native: "auto" },
  messages: { ackReaction: "👀" },
  bindings: [{ agentId: "main", match: { channel: "telegram" } }],
  channels: { telegram: { botToken: "x" } }, plugins: {}, skills: {}, tools: {}, talk: {}, discovery: {}, canvasHost: {}, ui: {},
  identity: {}, wizard: {}, diagnostics: {}, audio: {}, browser: {}, routing: {}, web: {}, memory: {}, mcp: {}, agent: {}, approvals: {}, media: {},
};

describe("validateConfig", () => {
  it("accepts an empty config and a config using every detailed field", () => {
    expect(issuesOf({})).toEqual([]);
    expect(issuesOf(FULL_CONFIG)).toEqual([]);
  });

  it("reports unknown keys at their own path, at any depth", () => {
    expect(issuesOf({ nope: 1, gateway: { auth: { tokn: "x" } }, agents: { list: [{ id: "a", typo: 1 }] } })).toEqual([
      'agents.list.0.typo: unknown key "typo"',
      'gateway.auth.tokn: unknown key "tokn"',
      'nope: unknown key "nope"',
    ]);
  });

  it("reports wrong types, enums and missing keys clearly", () => {
    expect(issuesOf({ gateway: { mode: "cloud", controlUi: { enabled: "yes" }, auth: { trustedProxy: {} } }, bindings: [{ match: {} }], logging: { level: "loud" } })).toEqual([
      'bindings.0: missing required key "agentId"',
      'bindings.0.match: missing required key "channel"',
      'gateway.auth.trustedProxy: missing required key "userHeader"',
      "gateway.controlUi.enabled: expected boolean, got string",
      "gateway.mode: expected one of: local, remote",
      "logging.level: expected one of: silent, fatal, error, warn, info, debug, trace",
    ]);
    expect(issuesOf([])).toEqual([": expected object, got array"]);
    expect(validateConfig("x", FILE)).toEqual([{ file: FILE, path: "", message: "expected object, got string" }]);
  });

  it("collapses union noise to one message per path", () => {
    expect(issuesOf({ gateway: { auth: { token: 5 } } })).toEqual(["gateway.auth.token: expected string or object, got number"]);
    expect(issuesOf({ gateway: { auth: { token: { source: "env", provider: "default" } } } })).toEqual([
      'gateway.auth.token: missing required key "id"',
    ]);
    expect(issuesOf({ gateway: { auth: { token: { source: "vault", provider: "d", id: "X" } } } })).toEqual([
      "gateway.auth.token.source: expected one of: env, file, exec",
    ]);
    expect(issuesOf({ gateway: { auth: { password: { source: "env", provider: "d", id: "lower" } } } })).toEqual([
      'gateway.auth.password.id: expected a string matching ^[A-Z][A-Z0-9_]{0,127}$, got "lower"',
    ]);
    expect(issuesOf({ gateway: { http: { securityHeaders: { strictTransportSecurity: true } } } })).toEqual([
      "gateway.http.securityHeaders.strictTransportSecurity: expected string or false, got boolean",
    ]);
    expect(issuesOf({ agents: { defaults: { model: { primary: 1 } } } })).toEqual(["agents.defaults.model.primary: expected string, got number"]);
    expect(issuesOf({ secrets: { providers: { f: { source: "file" }, e: { source: "exec", command: "/x", bogus: 1 } } } })).toEqual([
      'secrets.providers.e.bogus: unknown key "bogus"',
      'secrets.providers.f: missing required key "path"',
    ]);
  });

  it("quotes record keys that contain dots or slashes", () => {
    expect(issuesOf({ models: { providers: { "my.llm": { baseUrl: "x", models: [{ id: "m", cost: { input: "1" } }] } } } })).toEqual([
      'models.providers["my.llm"].models.0.cost.input: expected number, got string',
    ]);
  });

  it("checks env extras are strings and unchecked sections are objects", () => {
    expect(issuesOf({ env: { A: 1 }, channels: [] })).toEqual(["channels: expected object, got array", "env.A: expected string, got number"]);
  });

  it("explains a bad port in one message", () => {
    for (const port of [0, 70000, 1.5, "18789"]) {
      expect(validateConfig({ gateway: { port } }, FILE)).toEqual([
        { file: FILE, path: "gateway.port", message: `port must be an integer between 1 and 65535, got ${JSON.stringify(port)}` },
      ]);
    }
  });

  it("reports ranges and lengths", () => {
    expect(issuesOf({ gateway: { auth: { rateLimit: { maxAttempts: 0 } } }, agents: { list: [{ id: "" }] } })).toEqual([
      "agents.list.0.id: expected a non-empty string",
      "gateway.auth.rateLimit.maxAttempts: expected a number >= 1, got 0",
    ]);
  });

  it("allows the legacy gateway.token key so a hint can be given", () => {
    expect(issuesOf({ gateway: { token: "x" } })).toEqual([]);
  });
});

describe("validateConfig: secrets providers", () => {
  it("accepts file and exec providers with their options and refuses a relative exec command", () => {
    const secrets = {
      providers: {
        env: { source: "env", allowlist: ["OPENAI_API_KEY"] },
        file: { source: "file", path: "~/.openclaw/secrets.json", mode: "singleValue", timeoutMs: 1000, maxBytes: 4096, allowInsecurePath: false },
        vault: { source: "exec", command: "/usr/local/bin/resolver", args: ["--p"], timeoutMs: 2000, noOutputTimeoutMs: 1000, maxOutputBytes: 1024, jsonOnly: false, env: { A: "b" }, passEnv: ["PATH"], trustedDirs: ["/usr/local"] },
      },
      defaults: { env: "env", file: "file", exec: "vault" },
      resolution: { maxProviderConcurrency: 2 },
    };
    expect(validateConfig({ secrets }, "c.json")).toEqual([]);
    expect(validateConfig({ secrets: { providers: { v: { source: "exec", command: "resolver" } } } }, "c.json")).not.toEqual([]);
    expect(validateConfig({ secrets: { providers: { v: { source: "exec", command: "/r", timeoutMs: 0 } } } }, "c.json")).not.toEqual([]);
  });
});
