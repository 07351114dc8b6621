// Agent runs end to end: a real gateway, the real SDKs, a fake provider on loopback.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { TEST_TOKEN } from "./helpers/temp-state.js";

let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const MAIN = "agent:main:main";

describe("chat.send", () => {
  it("acks started, streams chat deltas then final, and persists the turn", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ text: "Hello there, friend.", deltas: 4, delayMs: 60 });
    const p = await h.connect();
    const ack = await p.request("chat.send", { sessionKey: MAIN, message: "hi", idempotencyKey: "run-1" });
    expect(ack.payload).toEqual({ runId: "run-1", status: "started" });
    const final = await p.next((f) => f.event === "chat" && f.payload.state === "final", 10_000);
    expect(final.payload).toMatchObject({ runId: "run-1", sessionKey: MAIN, state: "final", message: { role: "assistant", content: [{ type: "text", text: "Hello there, friend." }] } });
    const deltas = p.frames.filter((f) => f.event === "chat" && f.payload.state === "delta");
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.at(-1).payload.deltaText).toBeDefined();
    const lifecycle = p.frames.filter((f) => f.event === "agent" && f.payload.stream === "lifecycle").map((f) => f.payload.data.phase);
    expect(lifecycle).toEqual(["start", "end"]);
    const agentSeqs = p.frames.filter((f) => f.event === "agent").map((f) => f.payload.seq);
    expect(agentSeqs).toEqual(agentSeqs.map((_, i) => i + 1));
    const history = await p.request("chat.history", { sessionKey: MAIN });
    expect(history.payload.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
    expect(history.payload.messages[1].content[0].text).toBe("Hello there, friend.");
    // How the run went stays on the session's row (spec 3.4), also once nothing runs.
    const row = (await p.request("sessions.list", {})).payload.sessions.find((s: any) => s.key === MAIN);
    expect(row).toMatchObject({ status: "done", abortedLastRun: false, startedAt: expect.any(Number), endedAt: expect.any(Number) });
    expect(row.runtimeMs).toBe(row.endedAt - row.startedAt);
    p.close();
  });

  it("dedupes: a retry while running is in_flight, after it finished is ok; one provider call", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ text: "slow reply", deltas: 3, delayMs: 100 });
    const p = await h.connect();
    await p.request("chat.send", { sessionKey: MAIN, message: "x", idempotencyKey: "dup-1" });
    expect((await p.request("chat.send", { sessionKey: MAIN, message: "x", idempotencyKey: "dup-1" })).payload).toEqual({ runId: "dup-1", status: "in_flight" });
    await p.next((f) => f.event === "chat" && f.payload.state === "final", 10_000);
    expect((await p.request("chat.send", { sessionKey: MAIN, message: "x", idempotencyKey: "dup-1" })).payload).toEqual({ runId: "dup-1", status: "ok" });
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(1);
    p.close();
  });

  it("chat.abort mid-stream: aborted event with the partial text, which is persisted", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ text: "one two three four five six seven eight", deltas: 8, delayMs: 120 });
    const p = await h.connect();
    await p.request("chat.send", { sessionKey: MAIN, message: "count", idempotencyKey: "ab-1" });
    await p.next((f) => f.event === "agent" && f.payload.stream === "assistant", 10_000);
    const res = await p.request("chat.abort", { sessionKey: MAIN });
    expect(res.payload).toEqual({ ok: true, aborted: true, runIds: ["ab-1"] });
    const aborted = await p.next((f) => f.event === "chat" && f.payload.state === "aborted", 10_000);
    expect(aborted.payload.stopReason).toBe("rpc");
    const partial = aborted.payload.message.content[0].text as string;
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan("one two three four five six seven eight".length);
    const history = await p.request("chat.history", { sessionKey: MAIN });
    expect(history.payload.messages.at(-1).content[0].text).toBe(partial);
    expect((await p.request("sessions.list", {})).payload.sessions.find((s: any) => s.key === MAIN)).toMatchObject({ status: "killed", abortedLastRun: true });
    // An abort is an ending, not an error: a retry gets the cached ok.
    expect((await p.request("chat.send", { sessionKey: MAIN, message: "count", idempotencyKey: "ab-1" })).payload).toEqual({ runId: "ab-1", status: "ok" });
    p.close();
  });

  it("/stop aborts, and an empty message is refused", async () => {
    h = await startAgentHarness();
    const p = await h.connect();
    expect((await p.request("chat.send", { sessionKey: MAIN, message: "/stop", idempotencyKey: "s1" })).payload).toEqual({ ok: true, aborted: false, runIds: [] });
    const empty = await p.request("chat.send", { sessionKey: MAIN, message: "  ", idempotencyKey: "s2" });
    expect(empty.error).toEqual({ code: "INVALID_REQUEST", message: "message or attachment required" });
    p.close();
  });
});

describe("agent (two-stage)", () => {
  it("answers accepted, then the final result on the same id; a retry starts no second run", async () => {
    h = await startAgentHarness();
    const p = await h.connect();
    p.send({ type: "req", id: "a1", method: "agent", params: { message: "hello", idempotencyKey: "agent-1" } });
    const first = await p.next((f) => f.type === "res" && f.id === "a1");
    expect(first.payload).toMatchObject({ runId: "agent-1", status: "accepted", acceptedAt: expect.any(Number) });
    const second = await p.next((f) => f.type === "res" && f.id === "a1", 10_000);
    expect(second.payload).toMatchObject({ runId: "agent-1", status: "ok", summary: "completed", result: { payloads: [{ text: "Hello from fake." }], meta: { agentMeta: { provider: "fake", model: "fake-model" } } } });
    p.send({ type: "req", id: "a2", method: "agent", params: { message: "hello", idempotencyKey: "agent-1" } });
    const retry = await p.next((f) => f.type === "res" && f.id === "a2");
    expect(retry.payload.status).toBe("ok");
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(1);
    const waited = await p.request("agent.wait", { runId: "agent-1" });
    expect(waited.payload).toMatchObject({ runId: "agent-1", status: "ok" });
    p.close();
  });

  it("an aborted run ends with the success payload, meta.aborted and the partial text; agent.wait says timeout", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ text: "one two three four", deltas: 4, hangAfterDeltas: 2 });
    const p = await h.connect();
    p.send({ type: "req", id: "ab", method: "agent", params: { message: "count", idempotencyKey: "agent-ab" } });
    await p.next((f) => f.type === "res" && f.id === "ab");
    await p.next((f) => f.event === "agent" && f.payload.stream === "assistant", 10_000);
    expect((await p.request("chat.abort", { sessionKey: MAIN })).payload.runIds).toEqual(["agent-ab"]);
    const isFinal = (f: any) => f.type === "res" && f.id === "ab" && f.payload?.status !== "accepted";
    const final = p.frames.find(isFinal) ?? (await p.next(isFinal, 10_000));
    const aborted = p.frames.find((f) => f.event === "chat" && f.payload.state === "aborted");
    const partial = aborted.payload.message.content[0].text;
    expect(final.ok).toBe(true);
    expect(final.error).toBeUndefined();
    expect(final.payload).toMatchObject({ runId: "agent-ab", status: "ok", summary: "completed", result: { payloads: [{ text: partial }], meta: { aborted: true } } });
    const retry = await p.request("agent", { message: "count", idempotencyKey: "agent-ab" });
    expect(retry.ok).toBe(true);
    expect(retry.payload).toEqual(final.payload);
    expect((await p.request("agent.wait", { runId: "agent-ab" })).payload).toMatchObject({ runId: "agent-ab", status: "timeout" });
    p.close();
  });

  it("a retry the dedupe cache has forgotten (TTL, 1000 newer keys) joins the live run; agent and chat.send keys never share one", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ text: "slow words here", deltas: 3, hangAfterDeltas: 1 });
    const rt = h.gw.gateway.agents;
    const p = await h.connect();
    // 1000 newer keys push an entry out of the cache, as five minutes would; runs last up to 600 s.
    const forget = (prefix: string) => {
      for (let i = 0; i < 1000; i++) rt.dedupe.set(`${prefix}:filler-${i}`, { runId: `filler-${i}`, acceptedAt: Date.now() });
    };
    p.send({ type: "req", id: "a1", method: "agent", params: { message: "go", idempotencyKey: "long-1" } });
    await p.next((f) => f.type === "res" && f.id === "a1");
    await p.next((f) => f.event === "agent" && f.payload.runId === "long-1" && f.payload.stream === "assistant", 10_000);
    await p.request("chat.send", { sessionKey: "agent:main:other", message: "go", idempotencyKey: "long-2" });
    await p.next((f) => f.event === "agent" && f.payload.runId === "long-2" && f.payload.stream === "assistant", 10_000);
    forget("agent");
    forget("chat");
    expect(rt.dedupe.get("agent:long-1")).toBeUndefined();
    expect(rt.dedupe.get("chat:long-2")).toBeUndefined();

    p.send({ type: "req", id: "a2", method: "agent", params: { message: "go", idempotencyKey: "long-1" } });
    expect((await p.next((f) => f.type === "res" && f.id === "a2")).payload).toMatchObject({ runId: "long-1", status: "accepted" });
    expect((await p.request("chat.send", { sessionKey: "agent:main:other", message: "go", idempotencyKey: "long-2" })).payload).toEqual({ runId: "long-2", status: "in_flight" });
    // The same key from the other method is another request, not a retry: refused, never a second run.
    const crossed = await p.request("chat.send", { sessionKey: MAIN, message: "go", idempotencyKey: "long-1" });
    expect(crossed.error).toMatchObject({ code: "INVALID_REQUEST", message: 'idempotencyKey "long-1" is the runId of a run another request started; use a new key' });
    expect((await p.request("agent", { message: "go", sessionKey: "agent:main:other", idempotencyKey: "long-2" })).error.code).toBe("INVALID_REQUEST");
    expect(() => rt.engine.start({ runId: "long-1", agentId: "main", sessionKey: MAIN, message: "x" })).toThrow(/already active/);
    expect(rt.engine.activeCount).toBe(2);
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(2);

    await p.request("chat.abort", { sessionKey: MAIN });
    await p.request("chat.abort", { sessionKey: "agent:main:other" });
    for (const id of ["a1", "a2"]) {
      // Either may have come in before the second abort's answer.
      const isFinal = (f: any) => f.type === "res" && f.id === id && f.payload?.status !== "accepted";
      const final = p.frames.find(isFinal) ?? (await p.next(isFinal, 10_000));
      expect(final.payload).toMatchObject({ runId: "long-1", status: "ok", result: { meta: { aborted: true } } });
    }
    p.close();
  });

  it("openclaw agent still exits non-zero when its run is aborted (here by the agent timeout)", async () => {
    h = await startAgentHarness({ extra: { defaults: { timeoutSeconds: 1 } } });
    h.fake.setBehavior({ text: "never finished", deltas: 2, hangAfterDeltas: 1 });
    const { runAgent } = await import("../src/cli/commands/agent.js");
    const run = runAgent({ message: "hi", url: h.gw.url, token: TEST_TOKEN, json: true }, h.gw.state.env);
    await expect(run).rejects.toMatchObject({ exitCode: 1, message: "agent run aborted before it finished; the reply is partial" });
  });

  it("validates agent ids and session keys with the reference's messages", async () => {
    h = await startAgentHarness();
    const p = await h.connect();
    const unknown = await p.request("agent", { message: "x", idempotencyKey: "k1", agentId: "ghost" });
    expect(unknown.error.message).toBe('invalid agent params: unknown agent id "ghost"');
    const mismatch = await p.request("agent", { message: "x", idempotencyKey: "k2", agentId: "main", sessionKey: "agent:other:main" });
    expect(mismatch.error.message).toBe('invalid agent params: agent "main" does not match session key agent "other"');
    const channel = await p.request("agent", { message: "x", idempotencyKey: "k3", channel: " Bogus " });
    expect(channel.error).toEqual({ code: "INVALID_REQUEST", message: "invalid agent params: unknown channel: bogus" });
    expect((await p.request("agent", { message: "x", idempotencyKey: "k4", replyChannel: "nope" })).error.message).toBe("invalid agent params: unknown channel: nope");
    for (const [i, c] of ["webchat", "Telegram", "last"].entries()) {
      expect((await p.request("agent", { message: "x", idempotencyKey: `ch-${i}`, channel: c })).payload.status).toBe("accepted");
    }
    p.close();
  });

  it("an auth failure fails at once, naming the provider and the config key", async () => {
    const { startFakeProvider } = await import("./helpers/fake-provider.js");
    const fake = await startFakeProvider({ apiKey: "the-right-key" });
    h = await startAgentHarness({ fake });
    const p = await h.connect();
    p.send({ type: "req", id: "f1", method: "agent", params: { message: "hi", idempotencyKey: "auth-1" } });
    await p.next((f) => f.type === "res" && f.id === "f1");
    const final = await p.next((f) => f.type === "res" && f.id === "f1", 10_000);
    expect(final.ok).toBe(false);
    expect(final.payload).toMatchObject({ runId: "auth-1", status: "error" });
    expect(final.error.code).toBe("UNAVAILABLE");
    expect(final.error.message).toContain("models.providers.fake.apiKey");
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(1);
    p.close();
    await fake.close();
  });
});

describe("fallbacks", () => {
  it("retries a 500 on the same model with backoff, then succeeds", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ text: "recovered", failFirst: { count: 2, status: 500 } });
    const p = await h.connect();
    p.send({ type: "req", id: "r5", method: "agent", params: { message: "hi", idempotencyKey: "r500" } });
    await p.next((f) => f.type === "res" && f.id === "r5");
    const final = await p.next((f) => f.type === "res" && f.id === "r5", 20_000);
    expect(final.payload.result.payloads[0].text).toBe("recovered");
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(3);
    p.close();
  });

  it("a 429 that persists ends the run with errorKind rate_limit", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ status: 429, retryAfter: 0 });
    const p = await h.connect();
    await p.request("chat.send", { sessionKey: MAIN, message: "hi", idempotencyKey: "r429" });
    const err = await p.next((f) => f.event === "chat" && f.payload.state === "error", 20_000);
    expect(err.payload.errorKind).toBe("rate_limit");
    expect((await p.request("sessions.list", {})).payload.sessions.find((s: any) => s.key === MAIN)).toMatchObject({ status: "failed" });
    p.close();
  });

  it("retries 5xx, then moves to the next model", async () => {
    h = await startAgentHarness({
      stateConfig: (url, workspace) => ({
        gateway: { mode: "local", auth: { mode: "token", token: "test-token-0123456789abcdef" } },
        models: {
          providers: {
            bad: { baseUrl: `http://127.0.0.1:9/v1`, apiKey: "k", api: "openai-completions", models: [{ id: "m" }] },
            fake: { baseUrl: `${url}/v1`, apiKey: "k", api: "openai-completions", models: [{ id: "fake-model" }] },
          },
        },
        agents: { defaults: { model: { primary: "bad/m", fallbacks: ["fake/fake-model"] }, workspace } },
      }),
    });
    const p = await h.connect();
    p.send({ type: "req", id: "fb", method: "agent", params: { message: "hi", idempotencyKey: "fb-1" } });
    await p.next((f) => f.type === "res" && f.id === "fb");
    const final = await p.next((f) => f.type === "res" && f.id === "fb", 20_000);
    expect(final.payload.result.meta.agentMeta).toMatchObject({ provider: "fake", model: "fake-model" });
    p.close();
  });
});

describe("tools", () => {
  it("runs the tool loop inside the workspace and refuses escapes; tool events only with the cap", async () => {
    h = await startAgentHarness();
    h.fake.script(
      { toolCalls: [{ id: "call_1", name: "write", arguments: { path: "notes/todo.txt", content: "buy milk" } }] },
      { toolCalls: [{ id: "call_2", name: "read", arguments: { path: "../../../etc/passwd" } }] },
      { text: "Saved your note." },
    );
    const withCap = await h.connect({ caps: ["tool-events"] });
    const without = await h.connect();
    withCap.send({ type: "req", id: "t1", method: "agent", params: { message: "note: buy milk", idempotencyKey: "tool-1" } });
    await withCap.next((f) => f.type === "res" && f.id === "t1");
    const final = await withCap.next((f) => f.type === "res" && f.id === "t1", 15_000);
    expect(final.payload.result.payloads[0].text).toBe("Saved your note.");
    expect(await fs.readFile(path.join(h.workspace, "notes/todo.txt"), "utf8")).toBe("buy milk");
    const toolFrames = withCap.frames.filter((f) => f.event === "agent" && f.payload.stream === "tool");
    expect(toolFrames.map((f) => `${f.payload.data.phase}:${f.payload.data.name}`)).toEqual(["start:write", "result:write", "start:read", "result:read"]);
    expect(toolFrames[3].payload.data.isError).toBe(true);
    expect(without.frames.filter((f) => f.event === "agent" && f.payload.stream === "tool")).toHaveLength(0);
    // The model saw the refusal as a tool result.
    const third = h.fake.requests.filter((r) => r.api === "chat")[2]!.body;
    const toolMsgs = third.messages.filter((m: any) => m.role === "tool");
    expect(toolMsgs.at(-1).content).toMatch(/escapes the workspace/);
    withCap.close();
    without.close();
  });
});

describe("other provider APIs", () => {
  it.each(["anthropic-messages", "openai-responses"])("%s streams a reply", async (api) => {
    h = await startAgentHarness({ api });
    h.fake.setBehavior({ text: `reply via ${api}`, deltas: 3 });
    const p = await h.connect();
    p.send({ type: "req", id: "x", method: "agent", params: { message: "hi", idempotencyKey: `api-${api}` } });
    await p.next((f) => f.type === "res" && f.id === "x");
    const final = await p.next((f) => f.type === "res" && f.id === "x", 10_000);
    expect(final.payload.result.payloads[0].text).toBe(`reply via ${api}`);
    p.close();
  });
});

describe("sessions and catalogues", () => {
  it("lists, previews, patches, resets and deletes sessions; models/agents/tools catalogues", async () => {
    h = await startAgentHarness();
    const p = await h.connect();
    await p.request("sessions.subscribe", {});
    await p.request("chat.send", { sessionKey: MAIN, message: "remember me", idempotencyKey: "s-1" });
    await p.next((f) => f.event === "chat" && f.payload.state === "final", 10_000);
    const changed = p.frames.find((f) => f.event === "sessions.changed");
    expect(changed.payload).toMatchObject({ sessionKey: MAIN, reason: "send" });
    const list = await p.request("sessions.list", { includeLastMessage: true });
    expect(list.payload.sessions[0]).toMatchObject({ key: MAIN, kind: "direct", model: "fake-model", lastMessagePreview: "Hello from fake." });
    expect(list.payload.defaults).toEqual({ modelProvider: "fake", model: "fake-model", contextTokens: 128000 });
    const preview = await p.request("sessions.preview", { keys: [MAIN, "agent:main:none"] });
    expect(preview.payload.previews.map((x: any) => x.status)).toEqual(["ok", "missing"]);
    expect((await p.request("sessions.patch", { key: MAIN, label: "mine" })).payload.entry.label).toBe("mine");
    const before = list.payload.sessions[0].sessionId;
    const reset = await p.request("sessions.reset", { key: MAIN });
    expect(reset.payload.entry.sessionId).not.toBe(before);
    expect((await p.request("chat.history", { sessionKey: MAIN })).payload.messages).toEqual([]);
    expect((await p.request("sessions.delete", { key: MAIN })).payload.deleted).toBe(true);
    expect((await p.request("sessions.list", {})).payload.sessions).toEqual([]);
    const models = await p.request("models.list", {});
    expect(models.payload.models).toContainEqual(expect.objectContaining({ id: "fake-model", provider: "fake" }));
    const agents = await p.request("agents.list", {});
    expect(agents.payload).toMatchObject({ defaultId: "main", mainKey: "main", agents: [{ id: "main" }] });
    const tools = await p.request("tools.catalog", {});
    expect(tools.payload.tools.map((t: any) => t.id)).toEqual(expect.arrayContaining(["read", "write", "edit", "exec", "web_fetch"]));
    p.close();
  });

  it("v3 clients get chat deltas without deltaText", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ text: "abc def", deltas: 2, delayMs: 200 });
    const v3 = await h.connect({ minProtocol: 3, maxProtocol: 3 });
    await v3.request("chat.send", { sessionKey: MAIN, message: "x", idempotencyKey: "v3-1" });
    await v3.next((f) => f.event === "chat" && f.payload.state === "final", 10_000);
    const deltas = v3.frames.filter((f) => f.event === "chat" && f.payload.state === "delta");
    expect(deltas.length).toBeGreaterThan(0);
    for (const d of deltas) expect(d.payload.deltaText).toBeUndefined();
    v3.close();
  });
});
