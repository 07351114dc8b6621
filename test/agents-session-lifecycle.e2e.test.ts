// A session reset or deleted while a run is in flight: the run's last writes (its partial reply,
// abortedLastRun) belong to the conversation it opened, which a reset archives whole.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import type { Probe } from "./helpers/ws-probe.js";

let h: AgentHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const MAIN = "agent:main:main";

function sessionsDir(): string {
  return path.join(h!.gw.state.stateDir, "agents", "main", "sessions");
}

/** Starts a run that streams two deltas of its reply and then stalls; resolves once the first is out. */
async function startStalledRun(p: Probe, key: string): Promise<string> {
  h!.fake.setBehavior({ text: "partial words then the rest never comes", deltas: 4, hangAfterDeltas: 2 });
  await p.request("chat.send", { sessionKey: MAIN, message: "first question", idempotencyKey: key });
  await p.next((f) => f.event === "agent" && f.payload.runId === key && f.payload.stream === "assistant", 10_000);
  const list = await p.request("sessions.list", {});
  return list.payload.sessions.find((s: any) => s.key === MAIN).sessionId;
}

/** The partial reply of the aborted run, whether its event came before the reset's answer or after. */
async function abortedText(p: Probe, key: string): Promise<string> {
  const isAborted = (f: any) => f.event === "chat" && f.payload.runId === key && f.payload.state === "aborted";
  const aborted = p.frames.find(isAborted) ?? (await p.next(isAborted, 10_000));
  return aborted.payload.message.content[0].text;
}

describe("reset or delete while a run is in flight", () => {
  it.each([
    ["sessions.reset", (p: Probe) => p.request("sessions.reset", { key: MAIN })],
    ["/new", (p: Probe) => p.request("chat.send", { sessionKey: MAIN, message: "/new", idempotencyKey: "new-1" })],
    ["/reset via agent", (p: Probe) => p.request("agent", { sessionKey: MAIN, message: "/reset", idempotencyKey: "new-2" })],
  ])("%s: the partial reply goes to the archived transcript, the new one starts empty", async (_name, reset) => {
    h = await startAgentHarness();
    const p = await h.connect();
    const oldId = await startStalledRun(p, "run-1");
    const res = await reset(p);
    expect(res.ok).toBe(true);
    const partial = await abortedText(p, "run-1");
    expect(partial.length).toBeGreaterThan(0);

    expect((await p.request("chat.history", { sessionKey: MAIN })).payload.messages).toEqual([]);
    const row = (await p.request("sessions.list", {})).payload.sessions.find((s: any) => s.key === MAIN);
    expect(row.sessionId).not.toBe(oldId);
    expect(row.abortedLastRun).toBeUndefined();

    const files = await fs.readdir(sessionsDir());
    const archive = files.find((f) => f.startsWith(`${oldId}.jsonl.reset.`));
    expect(archive).toBeDefined();
    expect(files).not.toContain(`${oldId}.jsonl`);
    const archived = await fs.readFile(path.join(sessionsDir(), archive!), "utf8");
    expect(archived).toContain("first question");
    expect(archived).toContain(JSON.stringify(partial));
    p.close();
  });

  it("sessions.delete: the run does not bring the session back; its transcript keeps the partial reply", async () => {
    h = await startAgentHarness();
    const p = await h.connect();
    const oldId = await startStalledRun(p, "run-2");
    expect((await p.request("sessions.delete", { key: MAIN })).payload.deleted).toBe(true);
    const partial = await abortedText(p, "run-2");

    expect((await p.request("sessions.list", {})).payload.sessions).toEqual([]);
    const kept = await fs.readFile(path.join(sessionsDir(), `${oldId}.jsonl`), "utf8");
    expect(kept).toContain("first question");
    expect(kept).toContain(JSON.stringify(partial));
    p.close();
  });
});

describe("session keys (spec 5.3)", () => {
  async function send(p: Probe, sessionKey: string, key: string, method: "chat.send" | "agent" = "chat.send") {
    await p.request(method, { sessionKey, message: `via ${sessionKey}`, idempotencyKey: key });
    return p.next((f) => f.event === "chat" && f.payload.runId === key && f.payload.state === "final", 10_000);
  }

  it("bare keys belong to the default agent and the agent id is case-insensitive: one session per name", async () => {
    h = await startAgentHarness();
    const p = await h.connect();
    expect((await send(p, "main", "k1")).payload.sessionKey).toBe(MAIN);
    await send(p, "agent:Main:main", "k2");
    await send(p, "main", "k3", "agent");
    await send(p, "telegram:direct:42", "k4");
    const keys = (await p.request("sessions.list", { includeUnknown: true, includeGlobal: true })).payload.sessions.map((s: any) => s.key);
    expect(keys.sort()).toEqual([MAIN, "agent:main:telegram:direct:42"]);
    const history = await p.request("chat.history", { sessionKey: "main" });
    expect(history.payload.messages.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual(["via main", "via agent:Main:main", "via main"]);
    expect((await p.request("sessions.preview", { keys: ["main", "telegram:direct:42"] })).payload.previews.map((x: any) => x.status)).toEqual(["ok", "ok"]);
    expect((await p.request("sessions.patch", { key: "agent:MAIN:main", label: "home" })).payload).toMatchObject({ key: MAIN, entry: { label: "home" } });
    expect((await p.request("sessions.delete", { key: "telegram:direct:42" })).payload).toMatchObject({ key: "agent:main:telegram:direct:42", deleted: true });
    p.close();
  });

  it("the main key follows session.mainKey, bare or as agent:<id>:main", async () => {
    h = await startAgentHarness({ extra: { root: { session: { mainKey: "home" } } } });
    const p = await h.connect();
    expect((await send(p, "main", "m1")).payload.sessionKey).toBe("agent:main:home");
    expect((await send(p, "agent:main:main", "m2")).payload.sessionKey).toBe("agent:main:home");
    expect((await send(p, "home", "m3", "agent")).payload.sessionKey).toBe("agent:main:home");
    const keys = (await p.request("sessions.list", { includeUnknown: true })).payload.sessions.map((s: any) => s.key);
    expect(keys).toEqual(["agent:main:home"]);
    p.close();
  });
});
