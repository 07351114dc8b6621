// Who sees what of a run, end to end (spec 3.1-3.4): tool frames only for the connections that
// asked for them, tool results at verbose "full", compaction events, and sessions.changed with
// the session row when a run starts and ends.
import { afterEach, describe, expect, it } from "vitest";
import { agentConfig, startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import type { Probe } from "./helpers/ws-probe.js";

let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const MAIN = "agent:main:main";
const TOOL_EVENTS = { caps: ["tool-events"] };

const toolFrames = (p: Probe, runId: string) => p.frames.filter((f) => f.event === "agent" && f.payload.stream === "tool" && f.payload.runId === runId);
const finalOf = (p: Probe, runId: string) => p.next((f) => f.event === "chat" && f.payload.runId === runId && f.payload.state === "final", 15_000);

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("tool-event recipients", () => {
  it("go to the caller and to a caller of the same session while the run is active, not to every tool-events client", async () => {
    h = await startAgentHarness();
    // Slow arguments keep run A in its first model call while the second caller joins.
    h.fake.script({ toolCalls: [{ name: "write", arguments: { path: "a.txt", content: "A" } }], delayMs: 200 });
    const owner = await h.connect(TOOL_EVENTS);
    const late = await h.connect(TOOL_EVENTS);
    const bystander = await h.connect(TOOL_EVENTS);
    const other = await h.connect(TOOL_EVENTS);
    await owner.request("chat.send", { sessionKey: MAIN, message: "write a", idempotencyKey: "run-a" });
    await late.request("chat.send", { sessionKey: MAIN, message: "then b", idempotencyKey: "run-b" });
    await owner.next((f) => f.event === "agent" && f.payload.stream === "tool", 10_000);
    await other.request("chat.send", { sessionKey: "agent:main:other", message: "elsewhere", idempotencyKey: "run-c" });
    await finalOf(owner, "run-a");
    await finalOf(late, "run-b");
    await finalOf(other, "run-c");

    const phases = (p: Probe) => toolFrames(p, "run-a").map((f) => `${f.payload.data.phase}:${f.payload.data.name}`);
    expect(phases(owner)).toEqual(["start:write", "result:write"]);
    expect(phases(late)).toEqual(["start:write", "result:write"]);
    expect(phases(bystander)).toEqual([]);
    // A run of another session does not make its caller a recipient here.
    expect(phases(other)).toEqual([]);
    // Tool frames take their place in the run's seq for everyone, received or not.
    const seqs = (p: Probe) => p.frames.filter((f) => f.event === "agent" && f.payload.runId === "run-a").map((f) => f.payload.seq);
    expect(seqs(owner)).toEqual(seqs(owner).map((_, i) => i + 1));
    expect(seqs(bystander).length).toBe(seqs(owner).length - 2);
    expect(h.gw.gateway.agents.toolEventRecipients.size).toBe(0);
    for (const p of [owner, late, bystander, other]) p.close();
  });

  it("a caller without the cap gets no tool frames, and a closed connection leaves no entry behind", async () => {
    h = await startAgentHarness();
    h.fake.script({ toolCalls: [{ name: "write", arguments: { path: "b.txt", content: "B" } }] }, { text: "ok" }, { hang: true });
    const plain = await h.connect();
    await plain.request("chat.send", { sessionKey: MAIN, message: "write b", idempotencyKey: "run-plain" });
    await finalOf(plain, "run-plain");
    expect(toolFrames(plain, "run-plain")).toHaveLength(0);
    expect(h.gw.gateway.agents.toolEventRecipients.size).toBe(0);

    const leaving = await h.connect(TOOL_EVENTS);
    await leaving.request("chat.send", { sessionKey: MAIN, message: "hang", idempotencyKey: "run-hang" });
    expect(h.gw.gateway.agents.toolEventRecipients.size).toBe(1);
    leaving.close();
    await until(() => h!.gw.gateway.agents.toolEventRecipients.size === 0);
    expect((await plain.request("chat.abort", { sessionKey: MAIN })).payload.runIds).toEqual(["run-hang"]);
    plain.close();
  });
});

describe("tool results and the session's verbose level", () => {
  it("strips `result` unless the session's verboseLevel is full", async () => {
    h = await startAgentHarness();
    const write = { toolCalls: [{ name: "write", arguments: { path: "v.txt", content: "verbose" } }] };
    h.fake.script(write, { text: "one" }, write, { text: "two" });
    const p = await h.connect(TOOL_EVENTS);
    await p.request("chat.send", { sessionKey: MAIN, message: "first", idempotencyKey: "v-1" });
    await finalOf(p, "v-1");
    const stripped = toolFrames(p, "v-1").find((f) => f.payload.data.phase === "result");
    expect(stripped.payload.data).toEqual({ phase: "result", name: "write", toolCallId: expect.any(String), meta: expect.any(Object), isError: false });

    expect((await p.request("sessions.patch", { key: MAIN, verboseLevel: "full" })).ok).toBe(true);
    await p.request("chat.send", { sessionKey: MAIN, message: "second", idempotencyKey: "v-2" });
    await finalOf(p, "v-2");
    const full = toolFrames(p, "v-2").find((f) => f.payload.data.phase === "result");
    const history = await p.request("chat.history", { sessionKey: MAIN });
    const stored = history.payload.messages.filter((m: any) => m.role === "toolResult").at(-1);
    expect(full.payload.data.result).toEqual({ content: stored.content });
    expect(full.payload.data.result.content[0].text.length).toBeGreaterThan(0);
    p.close();
  });
});

describe("compaction events", () => {
  it("a run that compacts says so on the compaction stream, in its seq", async () => {
    // A context window this small makes every run compact first.
    h = await startAgentHarness({
      stateConfig: (url, workspace) => {
        const config = agentConfig(url, workspace) as any;
        config.models.providers.fake.models[0].contextWindow = 50;
        return config;
      },
    });
    const p = await h.connect();
    // Turns long enough that the latest one alone is over what compaction keeps verbatim.
    await p.request("chat.send", { sessionKey: MAIN, message: "first ".repeat(40), idempotencyKey: "c-1" });
    await finalOf(p, "c-1");
    await p.request("chat.send", { sessionKey: MAIN, message: "second ".repeat(40), idempotencyKey: "c-2" });
    await finalOf(p, "c-2");

    const agentFrames = (runId: string) => p.frames.filter((f) => f.event === "agent" && f.payload.runId === runId).map((f) => f.payload);
    const compaction = (runId: string) => agentFrames(runId).filter((e) => e.stream === "compaction").map((e) => e.data);
    // Nothing old enough to summarise in the first run; the second summarises the first turn.
    expect(compaction("c-1")).toEqual([{ phase: "start" }, { phase: "end", willRetry: false, completed: false }]);
    expect(compaction("c-2")).toEqual([{ phase: "start" }, { phase: "end", willRetry: false, completed: true }]);
    const second = agentFrames("c-2");
    expect(second.map((e) => e.seq)).toEqual(second.map((_, i) => i + 1));
    expect(second.map((e) => e.stream).slice(0, 3)).toEqual(["lifecycle", "compaction", "compaction"]);
    expect(second[1]).toMatchObject({ runId: "c-2", sessionKey: MAIN, stream: "compaction", ts: expect.any(Number) });
    // The summary was one more model call.
    expect(h.fake.requests.filter((r) => r.api === "chat")).toHaveLength(3);
    p.close();
  });
});

describe("sessions.changed", () => {
  it("reaches subscribers only, with the session row, when a run starts and ends and when a method changes the session", async () => {
    h = await startAgentHarness();
    const sub = await h.connect();
    const other = await h.connect();
    await sub.request("sessions.subscribe", {});
    const changed = () => sub.frames.filter((f) => f.event === "sessions.changed").map((f) => f.payload);

    await sub.request("chat.send", { sessionKey: MAIN, message: "one", idempotencyKey: "sc-1" });
    await sub.next((f) => f.event === "sessions.changed" && f.payload.runId === "sc-1" && f.payload.phase === "end", 15_000);
    await sub.request("chat.send", { sessionKey: MAIN, message: "two", idempotencyKey: "sc-2" });
    const end = await sub.next((f) => f.event === "sessions.changed" && f.payload.runId === "sc-2" && f.payload.phase === "end", 15_000);
    await sub.request("sessions.patch", { key: MAIN, label: "mine" });
    const patch = await sub.next((f) => f.event === "sessions.changed" && f.payload.reason === "patch");

    expect(changed().map((c) => `${c.runId ?? "-"}:${c.reason ?? c.phase}`)).toEqual([
      "sc-1:send", "sc-1:start", "sc-1:end",
      "sc-2:send", "sc-2:start", "sc-2:end",
      "-:patch",
    ]);
    const start = changed().find((c) => c.runId === "sc-2" && c.phase === "start");
    const list = (await sub.request("sessions.list", {})).payload.sessions[0];
    const row = { key: MAIN, kind: "direct", sessionId: list.sessionId, model: "fake-model", modelProvider: "fake" };
    expect(start).toMatchObject({ sessionKey: MAIN, phase: "start", runId: "sc-2", ts: expect.any(Number), ...row, status: "running", abortedLastRun: false });
    expect(start.startedAt).toBe(start.ts);
    expect(start.reason).toBeUndefined();
    expect(start.endedAt).toBeUndefined();
    expect(end.payload).toMatchObject({ sessionKey: MAIN, phase: "end", runId: "sc-2", ...row, status: "done", startedAt: start.startedAt, abortedLastRun: false, inputTokens: expect.any(Number) });
    expect(end.payload.endedAt).toBe(end.payload.ts);
    expect(end.payload.runtimeMs).toBe(end.payload.endedAt - end.payload.startedAt);
    expect(patch.payload).toMatchObject({ sessionKey: MAIN, reason: "patch", ts: expect.any(Number), ...row, label: "mine" });
    const send = changed().find((c) => c.runId === "sc-2" && c.reason === "send");
    expect(send).toMatchObject({ ...row, status: "running" });
    expect(other.frames.filter((f) => f.event === "sessions.changed")).toHaveLength(0);
    sub.close();
    other.close();
  });

  it("an aborted run ends as killed", async () => {
    h = await startAgentHarness();
    h.fake.setBehavior({ hang: true });
    const sub = await h.connect();
    await sub.request("sessions.subscribe", {});
    await sub.request("chat.send", { sessionKey: MAIN, message: "wait", idempotencyKey: "sk-1" });
    await sub.next((f) => f.event === "sessions.changed" && f.payload.phase === "start");
    await sub.request("chat.abort", { sessionKey: MAIN });
    const end = await sub.next((f) => f.event === "sessions.changed" && f.payload.phase === "end", 10_000);
    expect(end.payload).toMatchObject({ sessionKey: MAIN, runId: "sk-1", status: "killed", abortedLastRun: true, runtimeMs: expect.any(Number) });
    sub.close();
  });
});
