import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfigSnapshot } from "../config/load.js";
import { auditExitCode, auditSecrets } from "./audit.js";
import { tempDir, writeResolverScript } from "./test-support.js";

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function audit(config: unknown, env: NodeJS.ProcessEnv = {}, opts: { allowExec?: boolean; dotEnv?: string } = {}) {
  const stateDir = await fs.mkdtemp(path.join(dir, "state-"));
  const file = path.join(stateDir, "openclaw.json");
  await fs.writeFile(file, JSON.stringify(config), { mode: 0o600 });
  if (opts.dotEnv) await fs.writeFile(path.join(stateDir, ".env"), opts.dotEnv, { mode: 0o600 });
  const snapshot = await readConfigSnapshot(file, env);
  return auditSecrets(snapshot, { env, stateDir, ...(opts.allowExec ? { allowExec: true } : {}) });
}

describe("auditSecrets", () => {
  it("is clean for refs that resolve and ${VAR} references", async () => {
    const report = await audit(
      { gateway: { mode: "local", auth: { token: { source: "env", provider: "default", id: "GW" } } }, hooks: { token: "${HOOK_TOKEN}" } },
      { GW: "x", HOOK_TOKEN: "y" },
    );
    expect(report.status).toBe("clean");
    expect(auditExitCode(report, true)).toBe(0);
  });

  it("reports plaintext secrets by path (never the value), in the file and in .env", async () => {
    const report = await audit(
      { gateway: { mode: "local", auth: { token: "plain-token-value-123" } }, models: { providers: { p: { baseUrl: "http://x", apiKey: "sk-plain-456", headers: { Authorization: "Bearer zzz" }, models: [] } } }, channels: { telegram: { botToken: "123:abc" } } },
      {},
      { dotEnv: "OPENAI_API_KEY=sk-dotenv-789\nPORT=1\n" },
    );
    expect(report.findings.map((f) => `${f.code} ${f.path}`).sort()).toEqual([
      "PLAINTEXT_FOUND OPENAI_API_KEY",
      "PLAINTEXT_FOUND channels.telegram.botToken",
      "PLAINTEXT_FOUND gateway.auth.token",
      "PLAINTEXT_FOUND models.providers.p.apiKey",
      "PLAINTEXT_FOUND models.providers.p.headers.Authorization",
    ]);
    const text = JSON.stringify(report);
    for (const secret of ["plain-token-value-123", "sk-plain-456", "zzz", "123:abc", "sk-dotenv-789"]) expect(text).not.toContain(secret);
    expect(report.status).toBe("findings");
    expect(auditExitCode(report, false)).toBe(0);
    expect(auditExitCode(report, true)).toBe(1);
  });

  it("reports unresolved refs (exit 2 even without --check), shadowed pairs and legacy keys", async () => {
    const report = await audit(
      {
        gateway: { mode: "local", token: "legacy", auth: { token: { source: "env", provider: "default", id: "MISSING" } } },
        models: { providers: { openai: { baseUrl: "http://x", apiKey: { source: "env", provider: "default", id: "K" }, models: [] } } },
      },
      { K: "k", OPENAI_API_KEY: "other", OPENCLAW_GATEWAY_TOKEN: "t" },
    );
    const byCode = report.findings.map((f) => `${f.code} ${f.path}`).sort();
    expect(byCode).toEqual([
      "LEGACY_RESIDUE gateway.token",
      "PLAINTEXT_FOUND gateway.token",
      "REF_SHADOWED gateway.auth.token",
      "REF_SHADOWED models.providers.openai.apiKey",
      "REF_UNRESOLVED gateway.auth.token",
    ]);
    expect(report.status).toBe("unresolved");
    expect(auditExitCode(report, false)).toBe(2);
  });

  it("runs exec resolvers only with allowExec", async () => {
    const script = await writeResolverScript(dir, "audit-exec.js", 'process.stdout.write(JSON.stringify({ protocolVersion: 1, values: {} }));');
    const config = { secrets: { providers: { v: { source: "exec", command: script } } }, channels: { c: { token: { source: "exec", provider: "v", id: "x" } } } };
    const offline = await audit(config);
    expect(offline.status).toBe("clean");
    expect(offline.skippedExecRefs).toEqual(["channels.c.token"]);
    const withExec = await audit(config, {}, { allowExec: true });
    expect(withExec.findings.map((f) => f.message)).toEqual(['channels.c.token: secret reference (exec provider "v") could not be resolved: resolver returned no value']);
  });
});
