import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createAdapter, createAdapterRegistry, getAdapter } from "./adapters.js";

describe("adapter registry", () => {
  it("has one adapter per API and reuses it", () => {
    for (const api of ["openai-completions", "openai-responses", "anthropic-messages"] as const) {
      expect(createAdapter(api).api).toBe(api);
      expect(getAdapter(api)).toBe(getAdapter(api));
    }
    const registry = createAdapterRegistry({ timeoutMs: 5 });
    expect(registry("openai-responses")).toBe(registry("openai-responses"));
    expect(registry("openai-responses")).not.toBe(getAdapter("openai-responses"));
    expect(() => createAdapter("google-generative-ai" as never)).toThrow('unsupported provider api "google-generative-ai"');
  });

  // Startup must not pay for the SDKs: only type imports and `await import()` may name them.
  it("never imports an SDK at module top level", () => {
    const dir = path.dirname(fileURLToPath(import.meta.url));
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.includes(".test"))) {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      expect(source, file).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+["'](openai|@anthropic-ai\/sdk)["'/]/m);
      expect(source, file).not.toMatch(/^export\s+(?!type\b)[^;]*from\s+["'](openai|@anthropic-ai\/sdk)["'/]/m);
    }
  });
});
