// History survives restarts; a torn transcript line is ignored; kill -9 mid-run loses at most
// the partial reply and the gateway starts cleanly after it. Gateways run as real processes here.
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, spawnCli, type CliProcess } from "./helpers/cli-process.js";
import { startFakeProvider, type FakeProvider } from "./helpers/fake-provider.js";
import { agentConfig } from "./helpers/agent-setup.js";
import { freePort, makeTempState, TEST_TOKEN, type TempState } from "./helpers/temp-state.js";
import { connectParams, connectProbe } from "./helpers/ws-probe.js";

const MAIN = "agent:main:main";
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(): Promise<{ state: TempState; fake: FakeProvider; port: number; workspace: string }> {
  const fake = await startFakeProvider();
  cleanups.push(() => fake.close());
  const port = await freePort();
  const state = await makeTempState();
  cleanups.push(() => state.cleanup());
  const workspace = path.join(state.root, "workspace");
  await fs.mkdir(workspace, { recursive: true });
  const config = agentConfig(fake.url, workspace) as any;
  config.gateway.port = port;
  await state.writeConfig(config);
  return { state, fake, port, workspace };
}

function start(state: TempState): CliProcess {
  const p = spawnCli(["gateway"], state.env);
  cleanups.push(async () => {
    if (p.proc.exitCode === null && p.proc.signalCode === null) {
      p.kill("SIGKILL");
      await p.exited;
    }
  });
  return p;
}

async function ask(port: number, message: string, key: string) {
  const { probe } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
  probe.send({ type: "req", id: "a", method: "agent", params: { message, idempotencyKey: key } });
  await probe.next((f) => f.type === "res" && f.id === "a");
  const final = await probe.next((f) => f.type === "res" && f.id === "a", 15_000);
  probe.close();
  return final;
}

async function history(port: number) {
  const { probe } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
  const res = await probe.request("chat.history", { sessionKey: MAIN });
  probe.close();
  return res.payload.messages as any[];
}

describe("durability", () => {
  it("remembers the conversation across a restart and replays it to the model", async () => {
    const { state, fake, port } = await setup();
    fake.setBehavior({ echo: true });
    let gw = start(state);
    await gw.waitFor(/listening on/);
    expect((await ask(port, "my name is Ada", "r1")).payload.result.payloads[0].text).toBe("my name is Ada");
    gw.kill("SIGTERM");
    await gw.exited;
    gw = start(state);
    await gw.waitFor(/listening on/);
    expect((await history(port)).map((m) => m.role)).toEqual(["user", "assistant"]);
    await ask(port, "what is my name?", "r2");
    const sent = fake.requests.filter((r) => r.api === "chat").at(-1)!.body.messages.map((m: any) => `${m.role}:${typeof m.content === "string" ? m.content : JSON.stringify(m.content)}`);
    expect(sent.some((s: string) => s.includes("my name is Ada"))).toBe(true);
    gw.kill("SIGTERM");
    await gw.exited;
  });

  it("a torn last transcript line is skipped, and the session keeps working", async () => {
    const { state, port } = await setup();
    const gw = start(state);
    await gw.waitFor(/listening on/);
    await ask(port, "first", "t1");
    const dir = path.join(state.stateDir, "agents", "main", "sessions");
    const index = JSON.parse(await fs.readFile(path.join(dir, "sessions.json"), "utf8"));
    const file = path.join(dir, `${index[MAIN].sessionId}.jsonl`);
    await fs.appendFile(file, '{"type":"message","id":"torn","message":{"role":"assist');
    await ask(port, "second", "t2");
    expect((await history(port)).map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    gw.kill("SIGTERM");
    await gw.exited;
  });

  it("kill -9 mid-run: the user turn is on disk, and a clean restart serves the session", async () => {
    const { state, fake, port } = await setup();
    fake.setBehavior({ text: "a b c d e f g h i j k l", deltas: 12, delayMs: 150 });
    let gw = start(state);
    await gw.waitFor(/listening on/);
    const { probe } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
    await probe.request("chat.send", { sessionKey: MAIN, message: "long one", idempotencyKey: "k9" });
    await probe.next((f) => f.event === "agent" && f.payload.stream === "assistant", 10_000);
    gw.kill("SIGKILL");
    await gw.exited;
    gw = start(state);
    await gw.waitFor(/listening on/);
    const msgs = await history(port);
    expect(msgs[0]).toMatchObject({ role: "user", content: [{ type: "text", text: "long one" }] });
    fake.setBehavior({ text: "back again" });
    expect((await ask(port, "still there?", "k10")).payload.result.payloads[0].text).toBe("back again");
    gw.kill("SIGTERM");
    expect((await gw.exited).code).toBe(0);
  });
});

describe("openclaw agent", () => {
  it("streams the reply to the terminal and exits 0; a failing run exits 1 with one line", async () => {
    const { state, fake } = await setup();
    fake.setBehavior({ text: "Streaming works.", deltas: 3, delayMs: 30 });
    const gw = start(state);
    await gw.waitFor(/listening on/);
    const ok = await runCli(["agent", "--message", "hi"], state.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe("Streaming works.\n");
    fake.setBehavior({ status: 401 });
    const bad = await runCli(["agent", "--message", "hi"], state.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("agent run failed:");
    const sessions = await runCli(["sessions", "list", "--json"], state.env);
    expect(JSON.parse(sessions.stdout).sessions[0].key).toBe(MAIN);
    const models = await runCli(["models", "list"], state.env);
    expect(models.stdout).toContain("fake/fake-model");
    gw.kill("SIGTERM");
    await gw.exited;
  });
});
