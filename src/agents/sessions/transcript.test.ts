import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromAssistantTurn, toolResultMessage, userMessage } from "./convert.js";
import { SessionStore } from "./store.js";

let stateDir: string;
let store: SessionStore;

async function fileOf(key: string): Promise<string> {
  const row = await store.resolve("main", key);
  return store.transcriptPath("main", row);
}

async function lines(key: string): Promise<string[]> {
  return (await readFile(await fileOf(key), "utf8")).split("\n");
}

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), "oc-transcript-"));
  store = new SessionStore({ stateDir });
});

afterEach(async () => {
  await store.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe("transcript format", () => {
  it("writes a header, then entries chained by id and parentId", async () => {
    const [u] = await store.append("main", "k", [userMessage("hi", [], 1)]);
    const more = await store.append("main", "k", [
      fromAssistantTurn({ text: "", toolCalls: [{ id: "c1", name: "ls", arguments: {} }], provider: "p", model: "m", timestamp: 2 }),
      toolResultMessage({ toolCallId: "c1", toolName: "ls", content: "a b", timestamp: 3 }),
    ]);
    const raw = await lines("k");
    expect(raw.at(-1)).toBe("");
    const parsed = raw.slice(0, -1).map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ type: "session", version: 3, id: (await store.get("main", "k"))!.sessionId });
    expect(parsed.slice(1).map((e) => Object.keys(e))).toEqual(Array(3).fill(["type", "id", "parentId", "timestamp", "message"]));
    expect(parsed.slice(1).map((e) => e.id)).toEqual([u!.id, more[0]!.id, more[1]!.id]);
    expect(parsed.slice(1).map((e) => e.parentId)).toEqual([null, u!.id, more[0]!.id]);
    for (const e of parsed.slice(1)) {
      expect(e.id).toMatch(/^[0-9a-f]{8}$/);
      expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
    }
    expect(parsed[2].message).toMatchObject({ role: "assistant", stopReason: "toolUse", usage: { totalTokens: 0 } });
    expect(parsed[3].message).toMatchObject({ role: "toolResult", toolCallId: "c1", isError: false });
    expect(await store.readTranscript("main", "k", { limit: 2 })).toEqual(more);
  });

  it("skips a torn last line, and the next append starts on a new line", async () => {
    const [first] = await store.append("main", "k", [userMessage("one")]);
    await store.close();
    await appendFile(await (async () => {
      store = new SessionStore({ stateDir });
      return fileOf("k");
    })(), '{"type":"message","id":"deadbeef","parentId":"');
    expect((await store.readTranscript("main", "k")).map((e) => e.id)).toEqual([first!.id]);
    const [second] = await store.append("main", "k", [userMessage("two")]);
    expect(second!.parentId).toBe(first!.id);
    const raw = await lines("k");
    expect(raw.at(-3)).toBe('{"type":"message","id":"deadbeef","parentId":"');
    expect(JSON.parse(raw.at(-2)!).id).toBe(second!.id);
    const history = await store.history("main", "k");
    expect(history.messages.map((m) => m.content)).toEqual([[{ type: "text", text: "one" }], [{ type: "text", text: "two" }]]);
  });

  it("skips unknown entry types and garbage but follows their ids in the chain", async () => {
    const file = await fileOf("k");
    const [a] = await store.append("main", "k", [userMessage("a")]);
    await store.close();
    await appendFile(file, `${JSON.stringify({ type: "model_change", id: "0000aaaa", parentId: a!.id, timestamp: "t", model: "x" })}\nnot json\n[1,2]\n`);
    store = new SessionStore({ stateDir });
    const [b] = await store.append("main", "k", [userMessage("b")]);
    expect(b!.parentId).toBe("0000aaaa");
    const entries = await store.readTranscript("main", "k");
    expect(entries.map((e) => e.id)).toEqual([a!.id, b!.id]);
  });

  it("reads old entries without ids in file order", async () => {
    const dir = path.join(stateDir, "agents", "main", "sessions");
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "sessions.json"), JSON.stringify({ old: { sessionId: "legacy1", updatedAt: 1 } }));
    const old = (role: string, text: string) =>
      JSON.stringify({ type: "message", timestamp: "2025-01-01T00:00:00.000Z", message: { role, content: [{ type: "text", text }], timestamp: 1 } });
    await writeFile(path.join(dir, "legacy1.jsonl"), `${JSON.stringify({ type: "session", id: "legacy1", timestamp: "x", cwd: "/" })}\n${old("user", "q")}\n${old("assistant", "a")}\n`);
    const [added] = await store.append("main", "old", [userMessage("new")]);
    expect(added!.parentId).toBeNull();
    const entries = await store.readTranscript("main", "old");
    expect(entries.map((e) => e.id)).toEqual(["line-2", "line-3", added!.id]);
    // Our entry could not name an id-less parent; file order still holds the conversation.
    expect(entries.map((e) => e.parentId)).toEqual([null, "line-2", null]);
    expect((await store.history("main", "old")).messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
  });

  it("replays the active branch when a transcript forks", async () => {
    const [a, b] = await store.append("main", "k", [userMessage("a"), userMessage("b")]);
    await store.close();
    const file = await (async () => {
      store = new SessionStore({ stateDir });
      return fileOf("k");
    })();
    // A branch from `a`, as pi-agent writes when a turn is edited: `b` is off the path.
    const fork = { type: "message", id: "0000beef", parentId: a!.id, timestamp: "t", message: userMessage("b2", [], 3) };
    await appendFile(file, `${JSON.stringify(fork)}\n`);
    expect((await store.readTranscript("main", "k")).map((e) => e.id)).toEqual([a!.id, "0000beef"]);
    expect(b).toBeDefined();
  });
});

describe("history", () => {
  it("returns everything without a compaction", async () => {
    await store.append("main", "k", [userMessage("a"), userMessage("b")]);
    expect(await store.history("main", "k")).toEqual({ messages: [expect.objectContaining({ role: "user" }), expect.objectContaining({ role: "user" })] });
    expect(await store.history("main", "missing")).toEqual({ messages: [] });
  });

  it("replays the latest compaction summary and the messages it kept", async () => {
    const texts = (h: { messages: Array<{ content: unknown }> }) =>
      h.messages.map((m) => (Array.isArray(m.content) ? (m.content[0] as { text: string }).text : m.content));
    const first = await store.append("main", "k", ["m1", "m2", "m3", "m4"].map((t) => userMessage(t)));
    const c1 = await store.appendCompaction("main", "k", { summary: "S1", firstKeptEntryId: first[2]!.id, tokensBefore: 100 });
    expect(c1).toMatchObject({ type: "compaction", parentId: first[3]!.id, summary: "S1", tokensBefore: 100 });
    await store.append("main", "k", [userMessage("m5")]);
    let history = await store.history("main", "k");
    expect(history.summary).toBe("S1");
    expect(texts(history)).toEqual(["m3", "m4", "m5"]);

    const later = await store.append("main", "k", [userMessage("m6")]);
    await store.appendCompaction("main", "k", { summary: "S2", firstKeptEntryId: later[0]!.id, tokensBefore: 50 });
    await store.append("main", "k", [userMessage("m7")]);
    history = await store.history("main", "k");
    expect(history.summary).toBe("S2");
    expect(texts(history)).toEqual(["m6", "m7"]);

    // An unknown firstKeptEntryId keeps only what follows the compaction.
    await store.appendCompaction("main", "k", { summary: "S3", firstKeptEntryId: "ffffffff", tokensBefore: 1 });
    history = await store.history("main", "k");
    expect(history).toEqual({ summary: "S3", messages: [] });
    // The full transcript is still there.
    expect((await store.readTranscript("main", "k")).filter((e) => e.type === "message")).toHaveLength(7);
  });
});
