// Hooks end to end: a real gateway with the hooks stage injected, runs against the fake provider.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/gateway/gateway.js";
import { hooksStage } from "../src/gateway/http/hooks/index.js";
import { createLogger } from "../src/logging/logger.js";
import { agentConfig, startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { localConfig, makeTempState, TEST_TOKEN } from "./helpers/temp-state.js";

const HOOK_TOKEN = "hook-token-0123456789";
let tx: string;

beforeAll(async () => {
  tx = await fs.mkdtemp(path.join(os.tmpdir(), "oc-hook-tx-"));
  await fs.mkdir(path.join(tx, "transforms"));
  await fs.writeFile(path.join(tx, "transforms", "drop.mjs"), "export default () => null;\n");
  await fs.writeFile(
    path.join(tx, "transforms", "rewrite.mjs"),
    "export default ({ payload, headers }) => ({ message: `Deploy ${payload.env} by ${headers['x-actor']}`, name: 'Deploys' });\n",
  );
  await fs.writeFile(path.join(tx, "evil.mjs"), "export default () => ({ message: 'escaped' });\n");
  await fs.symlink(path.join(tx, "evil.mjs"), path.join(tx, "transforms", "link.mjs"));
});
afterAll(async () => {
  await fs.rm(tx, { recursive: true, force: true });
});

let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(hooks: Record<string, unknown> | null, extra: Record<string, any> = {}): Promise<AgentHarness> {
  h = await startAgentHarness({
    gateway: { httpStages: [(g) => hooksStage(g)] },
    stateConfig: (fakeUrl, ws) =>
      agentConfig(fakeUrl, ws, undefined, { ...extra, root: hooks ? { hooks: { enabled: true, token: HOOK_TOKEN, ...hooks } } : {} }),
  });
  return h;
}

/** `fetch`'s Response with `json()` loosened for assertions. */
type JsonResponse = Omit<Response, "json"> & { json(): Promise<any> };

function post(sub: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${HOOK_TOKEN}` }): Promise<JsonResponse> {
  return fetch(`${h!.gw.httpUrl}/hooks${sub}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** Resolves once the fake provider got a model request containing `text`. */
async function providerSaw(text: string, timeoutMs = 5000): Promise<any> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const hit = h!.fake.requests.find((r) => r.api === "chat" && JSON.stringify(r.body).includes(text));
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the provider never saw ${JSON.stringify(text)}; it saw ${JSON.stringify(h!.fake.requests.map((r) => JSON.stringify(r.body?.messages ?? "").slice(-300)))}`);
}

async function runDone(runId: string) {
  const engine = h!.gw.gateway.agents.engine;
  return (await engine.get(runId)?.done) ?? engine.result(runId);
}

describe("hooks ingress", () => {
  it("disabled: requests fall through to the router's 404", async () => {
    await start(null);
    const res = await post("/wake", { text: "x" });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("Not Found");
  });

  it("refuses query tokens, other methods, missing sub-paths; accepts X-OpenClaw-Token", async () => {
    await start({});
    const q = await fetch(`${h!.gw.httpUrl}/hooks/wake?token=${HOOK_TOKEN}`, { method: "POST", body: "{}" });
    expect(q.status).toBe(400);
    expect(await q.text()).toBe(
      "Hook token must be provided via Authorization: Bearer <token> or X-OpenClaw-Token header (query parameters are not allowed).",
    );
    const get = await fetch(`${h!.gw.httpUrl}/hooks/wake`, { headers: { authorization: `Bearer ${HOOK_TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await post("", {})).status).toBe(404);
    expect((await post("/", {})).status).toBe(404);
    const res = await post("/wake", { text: "via header" }, { "x-openclaw-token": HOOK_TOKEN });
    expect(res.status).toBe(200);
  });

  it("a bad token is 401 text, and repeated bad tokens from loopback get 429 with Retry-After", async () => {
    await start({});
    const gatewayToken = await post("/wake", { text: "x" }, { authorization: `Bearer ${TEST_TOKEN}` });
    expect(gatewayToken.status).toBe(401);
    expect(gatewayToken.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await gatewayToken.text()).toBe("Unauthorized");
    for (let i = 0; i < 9; i++) expect((await post("/wake", { text: "x" }, {})).status).toBe(401);
    const limited = await post("/wake", { text: "x" });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe("Too Many Requests");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("wake now runs the main session with a system event; next-heartbeat queues until then", async () => {
    await start({});
    const queued = await post("/wake", { text: "backup finished", mode: "next-heartbeat" });
    expect(await queued.json()).toEqual({ ok: true, mode: "next-heartbeat" });
    await new Promise((r) => setTimeout(r, 100));
    expect(h!.fake.requests.filter((r) => r.api === "chat")).toHaveLength(0);
    const res = await post("/wake", { text: "door opened" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, mode: "now" });
    await providerSaw("System event: backup finished\\nSystem event: door opened");
    const bad = await post("/wake", { mode: "now" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, error: "text required" });
  });

  it("a wake that arrives while a heartbeat runs is owed its own run, also right after the gateway started", async () => {
    // The gateway starts its automation a moment after it listens; wakes before that still run.
    await start({});
    h!.fake.setBehavior({ text: "noted", delayMs: 40 });
    await post("/wake", { text: "first thing" });
    await providerSaw("System event: first thing");
    await post("/wake", { text: "second thing" });
    await providerSaw("System event: second thing");
  });

  it("agent starts a run and returns its runId; the run's transcript exists", async () => {
    await start({});
    const res = await post("/agent", { message: "summarize the release", name: "GitHub" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ ok: true, runId: expect.any(String) });
    const result = await runDone(body.runId);
    expect(result).toMatchObject({ status: "ok", sessionKey: "agent:main:hook:github" });
    const sessions = h!.gw.gateway.agents.sessions;
    expect(await sessions.get("main", "agent:main:hook:github")).toBeDefined();
    const transcript = JSON.stringify(await sessions.readTranscript("main", "agent:main:hook:github"));
    expect(transcript).toContain("summarize the release");
    const sent = await providerSaw("summarize the release");
    expect(JSON.stringify(sent)).toContain('started by the webhook \\"GitHub\\"');
    expect(await (await post("/agent", {})).json()).toEqual({ ok: false, error: "message required" });
  });

  it("an idempotent replay returns the same runId and starts no second run", async () => {
    await start({});
    const headers = { authorization: `Bearer ${HOOK_TOKEN}`, "x-openclaw-idempotency-key": "delivery-1" };
    const first = await (await post("/agent", { message: "once only" }, headers)).json();
    await runDone(first.runId);
    const again = await (await post("/agent", { message: "once only" }, headers)).json();
    const viaBody = await (await post("/agent", { message: "once only", idempotencyKey: "delivery-1" })).json();
    expect(again.runId).toBe(first.runId);
    expect(viaBody.runId).toBe(first.runId);
    expect(h!.fake.requests.filter((r) => JSON.stringify(r.body).includes("once only"))).toHaveLength(1);
  });

  it("routing policy: request sessionKey, allowedAgentIds, allowedSessionKeyPrefixes", async () => {
    await start({ allowedAgentIds: ["main"] }, { list: [{ id: "main", default: true }, { id: "ops" }] });
    const key = await post("/agent", { message: "x", sessionKey: "agent:main:main" });
    expect(key.status).toBe(400);
    expect(await key.json()).toEqual({ ok: false, error: "sessionKey is not accepted from hook requests; set hooks.allowRequestSessionKey: true to allow it" });
    const ops = await post("/agent", { message: "x", agentId: "ops" });
    expect(ops.status).toBe(400);
    expect(await ops.json()).toEqual({ ok: false, error: 'agentId "ops" is not allowed by hooks.allowedAgentIds' });
  });

  it("an allowed request sessionKey is honoured within the prefixes", async () => {
    await start({ allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:"] });
    const ok = await (await post("/agent", { message: "keyed", sessionKey: "hook:ci" })).json();
    expect((await runDone(ok.runId))?.sessionKey).toBe("agent:main:hook:ci");
    const refused = await post("/agent", { message: "x", sessionKey: "agent:main:main" });
    expect(await refused.json()).toEqual({ ok: false, error: 'sessionKey "agent:main:main" is not allowed by hooks.allowedSessionKeyPrefixes' });
  });

  it("mappings: templates render into the run; transforms drop (204) or override; unmatched is 404", async () => {
    await start({
      transformsDir: path.join(tx, "transforms"),
      mappings: [
        { match: { path: "github" }, name: "GitHub", messageTemplate: "Push to {{payload.repository.name}} by {{headers.x-actor}} via {{path}}", sessionKey: "hook:gh:{{repository.name}}" },
        { match: { path: "quiet" }, transform: { module: "drop.mjs" } },
        { match: { path: "deploy" }, messageTemplate: "unused", transform: { module: "rewrite.mjs" } },
        { match: { path: "evil" }, transform: { module: "link.mjs" } },
        { match: { source: { field: "kind", equals: "ping" } }, action: "wake", textTemplate: "ping from {{path}}" },
      ],
    });
    const headers = { authorization: `Bearer ${HOOK_TOKEN}`, "x-actor": "ann" };
    const gh = await (await post("/github", { repository: { name: "openclaw" } }, headers)).json();
    expect(gh).toEqual({ ok: true, runId: expect.any(String) });
    await providerSaw("Push to openclaw by ann via github");
    expect((await runDone(gh.runId))?.sessionKey).toBe("agent:main:hook:gh:openclaw");

    const quiet = await post("/quiet", { anything: 1 }, headers);
    expect(quiet.status).toBe(204);
    expect(await quiet.text()).toBe("");

    const deploy = await (await post("/deploy", { env: "prod" }, headers)).json();
    expect(deploy.ok).toBe(true);
    await providerSaw("Deploy prod by ann");
    expect((await runDone(deploy.runId))?.sessionKey).toBe("agent:main:hook:deploys");

    const evil = await post("/evil", {}, headers);
    expect(evil.status).toBe(500);
    expect(await evil.json()).toEqual({ ok: false, error: "hook mapping failed" });

    expect(await (await post("/anything", { kind: "ping" }, headers)).json()).toEqual({ ok: true, mode: "now" });
    // Behind the heartbeats the two agent hooks asked for (their summaries, wakeMode "now").
    await providerSaw("System event: ping from anything", 15_000);

    const none = await post("/gitlab", {}, headers);
    expect(none.status).toBe(404);
  });

  it("the gmail preset turns a push summary into an agent run", async () => {
    await start({ presets: ["gmail"] });
    const body = { account: "me@example.com", messages: [{ id: "m1", from: "Ann", subject: "Lunch?", snippet: "Free at noon?" }] };
    const res = await (await post("/gmail", body)).json();
    expect((await runDone(res.runId))?.sessionKey).toBe("agent:main:hook:gmail:m1");
    await providerSaw("From: Ann\\nSubject: Lunch?\\n\\nFree at noon?");
    expect((await post("/gmail", { messages: [] })).status).toBe(204);
  });

  it("a body over hooks.maxBodyBytes is 413", async () => {
    await start({ maxBodyBytes: 1024 });
    const res = await post("/agent", { message: "x".repeat(2048) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ ok: false, error: "Payload too large" });
  });
});

describe("hooks startup refusals", () => {
  it.each([
    [{ enabled: true }, "hooks.enabled requires hooks.token"],
    [{ enabled: true, token: HOOK_TOKEN, path: "/" }, "hooks.path may not be '/'"],
    [{ enabled: true, token: TEST_TOKEN }, "Invalid config: hooks.token must not match gateway auth token. Set a distinct hooks.token for hook ingress."],
    [{ enabled: true, token: HOOK_TOKEN, mappings: [{ match: { path: "x" }, transform: { module: "../../escape.mjs" } }] }, /hooks\.mappings\[0\]: transform module "\.\.\/\.\.\/escape\.mjs" is outside hooks\.transformsDir/],
  ])("%j refuses to start", async (hooks, message) => {
    const state = await makeTempState(localConfig({ hooks }));
    const logger = createLogger({ dir: state.logDir, console: false });
    const gateway = createGateway({ configPath: state.configPath, stateDir: state.stateDir, env: state.env, cli: { port: 0 }, lock: false, logger, httpStages: [(g) => hooksStage(g)] });
    try {
      await expect(gateway.start()).rejects.toThrow(message);
    } finally {
      await gateway.stop();
      await logger.close();
      await state.cleanup();
    }
  });
});
