import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { OpenClawConfig } from "../../config/schema.js";
import { SecretsSnapshot } from "../../secrets/snapshot.js";
import { detectOllama, listCatalog, modelChainFor, resolveModelRef } from "./resolve.js";

const snap = (values: Record<string, string>) => new SecretsSnapshot(new Map(Object.entries(values)));

const config = (c: Record<string, unknown>) => c as OpenClawConfig;

const withProviders = config({
  models: {
    providers: {
      local: {
        baseUrl: "http://127.0.0.1:8000/v1",
        apiKey: { source: "env", provider: "default", id: "LOCAL_KEY" },
        headers: { "x-team": "blue" },
        models: [{ id: "qwen", name: "Qwen", contextWindow: 32000, maxTokens: 2048, reasoning: true }],
      },
      claude: { baseUrl: "https://proxy.example/anthropic", api: "anthropic-messages", apiKey: "sk-ant", models: [] },
    },
  },
  agents: {
    defaults: { model: { primary: "local/qwen", fallbacks: ["claude/sonnet", "local/qwen"] }, models: { "local/qwen": { alias: "fast" } } },
    list: [{ id: "main" }, { id: "writer", model: "claude/opus" }, { id: "coder", model: { primary: "local/qwen", fallbacks: [] } }],
  },
});

describe("resolveModelRef", () => {
  it("resolves a configured provider with secret refs from the snapshot, headers and model limits", () => {
    expect(resolveModelRef("local/qwen", withProviders, {}, snap({ "models.providers.local.apiKey": "k1" }))).toEqual({
      ref: "local/qwen", provider: "local", model: "qwen", api: "openai-completions", baseUrl: "http://127.0.0.1:8000/v1",
      apiKey: "k1", apiKeySource: "models.providers.local.apiKey", headers: { "x-team": "blue" }, contextWindow: 32000, maxTokens: 2048, name: "Qwen", reasoning: true,
    });
    expect(resolveModelRef("claude/sonnet", withProviders, {})).toMatchObject({
      api: "anthropic-messages", apiKey: "sk-ant", contextWindow: 128000, maxTokens: 4096,
    });
  });

  it("expands an alias and keeps slashes inside the model id", () => {
    expect(resolveModelRef("fast", withProviders, {}, snap({ "models.providers.local.apiKey": "k" })).ref).toBe("local/qwen");
    expect(resolveModelRef("ollama/library/llama3:8b", config({}), {})).toMatchObject({ model: "library/llama3:8b" });
  });

  it("falls back to OPENAI_API_KEY, ANTHROPIC_API_KEY and a keyless local Ollama", () => {
    expect(resolveModelRef("openai/gpt-4o", config({}), { OPENAI_API_KEY: "sk-o" })).toMatchObject({
      provider: "openai", api: "openai-completions", baseUrl: "https://api.openai.com/v1", apiKey: "sk-o", apiKeySource: "OPENAI_API_KEY",
    });
    // A configured `openai` provider without apiKey takes the env key too, and says so.
    const configured = config({ models: { providers: { openai: { baseUrl: "https://proxy.example/v1", models: [] } } } } as never);
    expect(resolveModelRef("openai/gpt-4o", configured, { OPENAI_API_KEY: "sk-o" }).apiKeySource).toBe("OPENAI_API_KEY");
    expect(resolveModelRef("anthropic/claude-x", config({}), { ANTHROPIC_API_KEY: "sk-a" })).toMatchObject({
      api: "anthropic-messages", baseUrl: "https://api.anthropic.com", apiKey: "sk-a",
    });
    const ollama = resolveModelRef("ollama/llama3", config({}), {});
    expect(ollama).toMatchObject({ baseUrl: "http://127.0.0.1:11434/v1", api: "openai-completions" });
    expect(ollama.apiKey).toBeUndefined();
  });

  it("names the provider and the fix when nothing matches", () => {
    expect(() => resolveModelRef("mystery/m1", config({}), {})).toThrow(
      'unknown model provider "mystery" in "mystery/m1" (configure models.providers.mystery or set its API key)',
    );
    expect(() => resolveModelRef("openai/gpt-4o", config({}), {})).toThrow('unknown model provider "openai"');
    expect(() => resolveModelRef("nomodel", config({}), {})).toThrow('invalid model reference "nomodel"');
  });

  it("refuses secret refs the snapshot does not hold, naming the key (never reading env itself)", () => {
    expect(() => resolveModelRef("local/qwen", withProviders, { LOCAL_KEY: "k" })).toThrow(
      'models.providers.local.apiKey is a secret reference (env provider "default") with no resolved value',
    );
    const fileRef = config({ models: { providers: { p: { baseUrl: "http://x", apiKey: { source: "file", provider: "f", id: "/k" }, headers: { "x.k": { source: "exec", provider: "v", id: "h" } }, models: [] } } } });
    expect(() => resolveModelRef("p/m", fileRef, {})).toThrow('models.providers.p.apiKey is a secret reference (file provider "f")');
    expect(() => resolveModelRef("p/m", fileRef, {}, snap({ "models.providers.p.apiKey": "k" }))).toThrow('models.providers.p.headers["x.k"] is a secret reference');
    expect(resolveModelRef("p/m", fileRef, {}, snap({ "models.providers.p.apiKey": "k", 'models.providers.p.headers["x.k"]': "hv" })).headers).toEqual({ "x.k": "hv" });
  });
});

describe("modelChainFor", () => {
  it("uses the agent's model, else the defaults, primary first, deduplicated", () => {
    expect(modelChainFor("main", withProviders, {})).toEqual(["local/qwen", "claude/sonnet"]);
    expect(modelChainFor("writer", withProviders, {})).toEqual(["claude/opus", "claude/sonnet", "local/qwen"]);
    expect(modelChainFor("coder", withProviders, {})).toEqual(["local/qwen"]);
    expect(modelChainFor("nobody", config({ agents: { defaults: { model: "openai/gpt-4o" } } }), {})).toEqual(["openai/gpt-4o"]);
  });

  it("defaults when nothing is configured, and is empty when nothing is reachable", () => {
    expect(modelChainFor("main", config({}), { OPENAI_API_KEY: "k" })).toEqual(["openai/gpt-4o-mini"]);
    expect(modelChainFor("main", config({}), { ANTHROPIC_API_KEY: "k" })).toEqual(["anthropic/claude-sonnet-4-5"]);
    expect(modelChainFor("main", config({}), {})).toEqual([]);
    const onlyProvider = config({ models: { providers: { lm: { baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "phi" }] } } } });
    expect(modelChainFor("main", onlyProvider, {})).toEqual(["lm/phi"]);
  });
});

describe("listCatalog and detectOllama", () => {
  it("lists configured models with aliases, then configured refs", async () => {
    const list = await listCatalog(withProviders, {}, { detectOllama: false });
    expect(list).toEqual([
      { id: "qwen", name: "Qwen", provider: "local", alias: "fast", contextWindow: 32000, reasoning: true },
      { id: "sonnet", name: "sonnet", provider: "claude" },
      { id: "opus", name: "opus", provider: "claude" },
    ]);
  });

  it("probes a local Ollama only when nothing is configured, and caches the answer", async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.end(JSON.stringify({ models: [{ name: "llama3:8b" }, { name: "qwen2:1.5b" }] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const list = await listCatalog(config({}), {}, { ollamaUrl: url, ollamaTimeoutMs: 10_000 });
      expect(list.map((m) => `${m.provider}/${m.id}`)).toEqual(["ollama/llama3:8b", "ollama/qwen2:1.5b"]);
      await listCatalog(config({}), {}, { ollamaUrl: url, ollamaTimeoutMs: 10_000 });
      expect(hits).toBe(1);
      expect(await listCatalog(config({}), { OPENAI_API_KEY: "k" }, { ollamaUrl: url, ollamaTimeoutMs: 10_000 })).toEqual([
        { id: "gpt-4o-mini", name: "gpt-4o-mini", provider: "openai" },
      ]);
    } finally {
      server.close();
    }
  });

  it("answers null within the probe timeout when nothing listens", async () => {
    const started = Date.now();
    expect(await detectOllama(undefined, "http://127.0.0.1:9")).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
