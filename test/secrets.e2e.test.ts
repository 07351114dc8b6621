// Secrets end to end: a gateway whose token comes from a file SecretRef and whose provider key
// comes from an exec resolver (a real script) runs an agent against the fake provider, which
// checks the key. secrets.reload rotates the token; a failing reload keeps the last good
// snapshot. No resolved value may appear in any RPC answer, log line or file the gateway wrote.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { startFakeProvider, type FakeProvider } from "./helpers/fake-provider.js";
import { runCli } from "./helpers/cli-process.js";
import { freePort, localConfig, makeTempState, TEST_TOKEN, type TempState } from "./helpers/temp-state.js";
import { connectParams, connectProbe, type Probe } from "./helpers/ws-probe.js";
import { tempDir, writeResolverScript } from "../src/secrets/test-support.js";

const TOKEN_1 = "gw-token-from-file-AAAA1111";
const TOKEN_2 = "gw-token-rotated-BBBB2222";
const API_KEY = "sk-fake-exec-resolved-CCCC3333";
const MAIN = "agent:main:main";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

interface Setup {
  vault: string;
  tokenFile: string;
  keysFile: string;
  fake: FakeProvider;
  config: Record<string, any>;
}

async function setup(): Promise<Setup> {
  const vault = await tempDir("oc-vault-");
  cleanups.push(() => fs.rm(vault, { recursive: true, force: true }));
  const tokenFile = path.join(vault, "gateway.json");
  await fs.writeFile(tokenFile, JSON.stringify({ gateway: { token: TOKEN_1 } }), { mode: 0o600 });
  const keysFile = path.join(vault, "keys.json");
  await fs.writeFile(keysFile, JSON.stringify({ "providers/fake/apiKey": API_KEY }), { mode: 0o600 });
  const script = await writeResolverScript(
    vault,
    "vault-resolver",
    `const keys = JSON.parse(require("fs").readFileSync(${JSON.stringify(keysFile)}, "utf8"));
     const values = {}, errors = {};
     for (const id of request.ids) { if (keys[id]) values[id] = keys[id]; else errors[id] = { message: "unknown id " + id }; }
     process.stdout.write(JSON.stringify({ protocolVersion: 1, values, errors }));`,
  );
  const fake = await startFakeProvider({ apiKey: API_KEY });
  cleanups.push(() => fake.close());
  const workspace = path.join(vault, "workspace");
  await fs.mkdir(workspace);
  const config = localConfig(
    {
      secrets: {
        providers: {
          gwfile: { source: "file", path: tokenFile },
          vault: { source: "exec", command: script },
        },
      },
      models: {
        providers: {
          fake: {
            baseUrl: `${fake.url}/v1`,
            api: "openai-completions",
            apiKey: { source: "exec", provider: "vault", id: "providers/fake/apiKey" },
            models: [{ id: "fake-model", name: "Fake Model", contextWindow: 128000, maxTokens: 1024 }],
          },
        },
      },
      agents: { defaults: { model: "fake/fake-model", workspace } },
    },
    { auth: { mode: "token", token: { source: "file", provider: "gwfile", id: "/gateway/token" } } },
  );
  return { vault, tokenFile, keysFile, fake, config };
}

async function expectNoSecrets(where: string, text: string) {
  for (const secret of [TOKEN_1, TOKEN_2, API_KEY]) expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
}

describe("secrets end to end", () => {
  it("file-ref token + exec-ref provider key: agent runs, reload rotates, a failed reload keeps the last good snapshot, nothing leaks", async () => {
    const s = await setup();
    const gw: RunningGateway = await startGateway(s.config);
    cleanups.push(() => gw.stop());
    const answers: string[] = [];
    const connect = async (token: string) => {
      const { probe, res } = await connectProbe(gw.url, connectParams({ auth: { token } }));
      answers.push(JSON.stringify(res));
      return { probe, res };
    };
    const call = async (p: Probe, method: string, params: unknown = {}) => {
      const res = await p.request(method, params);
      answers.push(JSON.stringify(res));
      return res;
    };

    const { probe: op, res: hello } = await connect(TOKEN_1);
    expect(hello.ok).toBe(true);

    // The agent's model call carries the exec-resolved key (the fake provider answers 401 otherwise).
    s.fake.setBehavior({ text: "resolved and answered" });
    expect((await call(op, "chat.send", { sessionKey: MAIN, message: "hi", idempotencyKey: "s-1" })).ok).toBe(true);
    const final = await op.next((f) => f.event === "chat" && (f.payload.state === "final" || f.payload.state === "error"), 15_000);
    answers.push(JSON.stringify(final));
    expect(final.payload.state).toBe("final");
    expect(final.payload.message.content[0].text).toBe("resolved and answered");
    expect(s.fake.requests.some((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);

    // config.get shows references as references.
    const cfg = await call(op, "config.get");
    expect(cfg.payload.config.gateway.auth.token).toEqual({ source: "file", provider: "gwfile", id: "/gateway/token" });
    expect(cfg.payload.config.models.providers.fake.apiKey).toEqual({ source: "exec", provider: "vault", id: "providers/fake/apiKey" });

    // A config write keeps references as references on disk (the preflight resolves, the file gets the ref).
    const headerRef = { source: "exec", provider: "vault", id: "providers/fake/apiKey" };
    const patched = await call(op, "config.patch", {
      raw: JSON.stringify({ models: { providers: { fake: { headers: { "x-extra-key": headerRef } } } } }),
      baseHash: cfg.payload.hash,
      restartDelayMs: 600_000,
    });
    expect(patched.ok).toBe(true);
    const onDisk = JSON.parse(await fs.readFile(gw.state.configPath, "utf8"));
    expect(onDisk.models.providers.fake.headers["x-extra-key"]).toEqual(headerRef);
    expect(onDisk.gateway.auth.token).toEqual({ source: "file", provider: "gwfile", id: "/gateway/token" });

    // Rotate the token in the file: secrets.reload swaps it; the old socket is closed with 4001.
    await fs.writeFile(s.tokenFile, JSON.stringify({ gateway: { token: TOKEN_2 } }), { mode: 0o600 });
    const { probe: admin } = await connect(TOKEN_1);
    const reloaded = await call(admin, "secrets.reload");
    expect(reloaded.payload).toEqual({ ok: true, warningCount: 0 });
    op.send({ type: "req", id: "after-rotate", method: "health", params: {} }); // the next frame meets the check
    expect(await op.closed).toEqual({ code: 4001, reason: "gateway auth changed" });
    const stale = await connect(TOKEN_1);
    expect(stale.res.ok).toBe(false);
    const { probe: op2, res: hello2 } = await connect(TOKEN_2);
    expect(hello2.ok).toBe(true);

    // A reload that cannot resolve one ref fails as a whole and names it; TOKEN_2 and the key stay live.
    await fs.writeFile(s.keysFile, JSON.stringify({}), { mode: 0o600 });
    await fs.writeFile(s.tokenFile, "{ not json", { mode: 0o600 });
    const failed = await call(op2, "secrets.reload");
    expect(failed.ok).toBe(false);
    expect(failed.error.code).toBe("UNAVAILABLE");
    expect(failed.error.message).toContain('gateway.auth.token: secret reference (file provider "gwfile") could not be resolved');
    expect(failed.error.message).toContain('models.providers.fake.apiKey: secret reference (exec provider "vault") could not be resolved: resolver error: unknown id providers/fake/apiKey');
    expect(failed.error.details.failures.map((f: any) => [f.path, f.provider])).toEqual([
      ["gateway.auth.token", "gwfile"],
      ["models.providers.fake.apiKey", "vault"],
    ]);
    expect((await call(op2, "health")).ok).toBe(true);
    const { res: hello3 } = await connect(TOKEN_2);
    expect(hello3.ok).toBe(true);
    s.fake.setBehavior({ text: "still using the last good key" });
    await call(op2, "chat.send", { sessionKey: MAIN, message: "again", idempotencyKey: "s-2" });
    const final2 = await op2.next((f) => f.event === "chat" && f.payload.runId === "s-2" && (f.payload.state === "final" || f.payload.state === "error"), 15_000);
    answers.push(JSON.stringify(final2));
    expect(final2.payload.state).toBe("final");

    // A config write whose refs cannot be resolved is refused before anything is written.
    const before = await fs.readFile(gw.state.configPath, "utf8");
    const snap = await call(op2, "config.get");
    const patch = JSON.stringify({ hooks: { enabled: true, token: { source: "env", provider: "default", id: "HOOKS_TOKEN_NOT_SET" } } });
    const refused = await call(op2, "config.patch", { raw: patch, baseHash: snap.payload.hash });
    expect(refused.ok).toBe(false);
    expect(refused.error.message).toContain('hooks.token: secret reference (env provider "default") could not be resolved: environment variable HOOKS_TOKEN_NOT_SET is not set');
    expect(await fs.readFile(gw.state.configPath, "utf8")).toBe(before);

    for (const p of [op2, admin]) p.close();
    await gw.gateway.logger.flush();
    const written = [...(await filesUnder(gw.state.root))];
    expect(written.some((f) => f.endsWith(".log"))).toBe(true);
    expect(written.some((f) => f.endsWith(".jsonl"))).toBe(true);
    for (const file of written) await expectNoSecrets(file, await fs.readFile(file, "utf8"));
    for (const answer of answers) await expectNoSecrets("an RPC answer", answer);
  }, 60_000);
});

describe("hooks token from a SecretRef", () => {
  it("the hooks stage reads hooks.token from the snapshot and follows secrets.reload", async () => {
    const vault = await tempDir("oc-hooks-vault-");
    cleanups.push(() => fs.rm(vault, { recursive: true, force: true }));
    const hookFile = path.join(vault, "hook-token");
    await fs.writeFile(hookFile, "hook-token-one-DDDD4444\n", { mode: 0o600 });
    const gw = await startGateway(
      localConfig({
        secrets: { providers: { hookfile: { source: "file", path: hookFile, mode: "singleValue" } } },
        hooks: { enabled: true, token: { source: "file", provider: "hookfile", id: "value" } },
      }),
    );
    cleanups.push(() => gw.stop());
    const wake = (token: string) =>
      fetch(`${gw.httpUrl}/hooks/wake`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text: "x", mode: "next-heartbeat" }) });
    expect((await wake("hook-token-one-DDDD4444")).status).toBe(200);
    await fs.writeFile(hookFile, "hook-token-two-EEEE5555", { mode: 0o600 });
    const { probe } = await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN } }));
    expect((await probe.request("secrets.reload", {})).payload).toEqual({ ok: true, warningCount: 0 });
    probe.close();
    expect((await wake("hook-token-one-DDDD4444")).status).toBe(401);
    expect((await wake("hook-token-two-EEEE5555")).status).toBe(200);
  });
});

describe("secrets at startup and in the CLI (child processes)", () => {
  let state: TempState | undefined;
  afterEach(async () => {
    await state?.cleanup();
    state = undefined;
  });

  it("a ref that cannot be resolved refuses to start: exit 78, one line naming path and provider", async () => {
    state = await makeTempState();
    const missing = path.join(state.root, "absent.json");
    await state.writeConfig(localConfig({ secrets: { providers: { tokens: { source: "file", path: missing } } } }, { auth: { mode: "token", token: { source: "file", provider: "tokens", id: "/t" } } }));
    const r = await runCli(["gateway", "--port", String(await freePort())], state.env);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`gateway.auth.token: secret reference (file provider "tokens") could not be resolved: file not found: ${missing}`);
  });

  it("openclaw secrets reload authenticates with the file-ref token and reports failures; audit exits 0/1/2", async () => {
    const s = await setup();
    const gw = await startGateway(s.config);
    cleanups.push(() => gw.stop());
    const env = { ...gw.state.env, OPENCLAW_GATEWAY_PORT: String(gw.gateway.port) };
    const ok = await runCli(["secrets", "reload", "--json"], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, warningCount: 0 });

    await fs.writeFile(s.keysFile, "{}", { mode: 0o600 });
    const bad = await runCli(["secrets", "reload"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("models.providers.fake.apiKey");
    await expectNoSecrets("CLI output", bad.stdout + bad.stderr + ok.stdout);

    // Offline audit of the same config: the exec ref is skipped without --allow-exec, so clean.
    const audit = await runCli(["secrets", "audit", "--check", "--json"], env);
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ status: "clean", skippedExecRefs: ["models.providers.fake.apiKey"] });
    const withExec = await runCli(["secrets", "audit", "--allow-exec"], env);
    expect(withExec.code).toBe(2);
    expect(withExec.stdout).toContain("[REF_UNRESOLVED] models.providers.fake.apiKey");
  }, 60_000);
});
