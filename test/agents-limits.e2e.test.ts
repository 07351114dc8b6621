// Compaction (on demand and when history outgrows the context), the global concurrency cap,
// and run timeouts.
import { afterEach, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { startFakeProvider } from "./helpers/fake-provider.js";

let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function run(p: any, message: string, key: string, sessionKey = "agent:main:main") {
  p.send({ type: "req", id: key, method: "agent", params: { message, idempotencyKey: key, sessionKey } });
  await p.next((f: any) => f.type === "res" && f.id === key);
  return p.next((f: any) => f.type === "res" && f.id === key, 20_000);
}

describe("compaction", () => {
  it("sessions.compact summarises older turns; the model then sees the summary, the file keeps everything", async () => {
    h = await startAgentHarness();
    const p = await h.connect();
    for (let i = 0; i < 4; i++) {
      h.fake.setBehavior({ text: `answer ${i} ${"x".repeat(400)}` });
      await run(p, `question ${i} ${"y".repeat(400)}`, `q${i}`);
    }
    h.fake.setBehavior({ text: "SUMMARY: four questions were asked." });
    const res = await p.request("sessions.compact", { key: "agent:main:main" });
    expect(res.payload).toMatchObject({ ok: true, compacted: true });
    expect(res.payload.summarizedMessages).toBeGreaterThan(0);
    h.fake.setBehavior({ text: "ok" });
    await run(p, "next", "q-next");
    const body = h.fake.requests.filter((r) => r.api === "chat").at(-1)!.body;
    const system = body.messages.find((m: any) => m.role === "system")?.content ?? "";
    expect(system).toContain("SUMMARY: four questions were asked.");
    expect(JSON.stringify(body.messages)).not.toContain("question 0");
    const history = await p.request("chat.history", { sessionKey: "agent:main:main", limit: 1000 });
    expect(JSON.stringify(history.payload.messages)).toContain("question 0");
    p.close();
  });

  it("compacts automatically when history outgrows the model's context window", async () => {
    const fake = await startFakeProvider();
    h = await startAgentHarness({
      fake,
      stateConfig: (url, workspace) => ({
        gateway: { mode: "local", auth: { mode: "token", token: "test-token-0123456789abcdef" } },
        models: { providers: { fake: { baseUrl: `${url}/v1`, apiKey: "k", api: "openai-completions", models: [{ id: "tiny", contextWindow: 2000, maxTokens: 100 }] } } },
        agents: { defaults: { model: "fake/tiny", workspace, skipBootstrap: true } },
      }),
    });
    const p = await h.connect();
    for (let i = 0; i < 6; i++) {
      fake.setBehavior({ text: `reply ${i} ${"z".repeat(600)}` });
      await run(p, `turn ${i} ${"w".repeat(600)}`, `t${i}`);
    }
    const compactions = fake.requests.filter((r) => r.api === "chat" && JSON.stringify(r.body.messages).includes("Summarise this conversation"));
    expect(compactions.length).toBeGreaterThan(0);
    p.close();
    await fake.close();
  });
});

describe("concurrency and timeouts", () => {
  it("runs at most maxConcurrent at once; one session runs one at a time", async () => {
    h = await startAgentHarness({ extra: { defaults: { maxConcurrent: 2 } } });
    h.fake.setBehavior({ text: "slow", deltas: 2, delayMs: 150 });
    const p = await h.connect();
    const runs = [0, 1, 2, 3].map((i) => run(p, "go", `c${i}`, `agent:main:s${i}`));
    await new Promise((r) => setTimeout(r, 120));
    expect(h.gw.gateway.agents.engine.activeCount).toBe(4);
    const inFlight = h.fake.requests.filter((r) => r.api === "chat" && !r.clientClosed).length;
    expect(inFlight).toBeLessThanOrEqual(2);
    await Promise.all(runs);
    p.close();
  });

  it("a run past its timeout is aborted with stopReason timeout", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ hang: true });
    const p = await h.connect();
    await p.request("chat.send", { sessionKey: "agent:main:main", message: "hang", idempotencyKey: "to-1", timeoutMs: 300 });
    const aborted = await p.next((f: any) => f.event === "chat" && f.payload.state === "aborted", 5000);
    expect(aborted.payload.stopReason).toBe("timeout");
    const waited = await p.request("agent.wait", { runId: "to-1" });
    expect(waited.payload.status).toBe("timeout");
    p.close();
  });
});
