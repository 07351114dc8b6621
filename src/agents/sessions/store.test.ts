import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userMessage } from "./convert.js";
import { SessionStore } from "./store.js";

let stateDir: string;
let clock: number;
const stores: SessionStore[] = [];

function open(opts: Partial<ConstructorParameters<typeof SessionStore>[0]> = {}): SessionStore {
  const store = new SessionStore({ stateDir, now: () => clock, ...opts });
  stores.push(store);
  return store;
}

function sessionsDir(agentId = "main"): string {
  return path.join(stateDir, "agents", agentId, "sessions");
}

async function readIndex(agentId = "main"): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await readFile(path.join(sessionsDir(agentId), "sessions.json"), "utf8"));
}

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), "oc-sessions-"));
  clock = 1_700_000_000_000;
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await rm(stateDir, { recursive: true, force: true });
});

describe("SessionStore index", () => {
  it("creates a session durably on resolve, in the reference layout", async () => {
    const store = open({ indexDebounceMs: 60_000, workspaceDir: () => "/ws" });
    const row = await store.resolve("main", "agent:main:main", { label: "home", chatType: "direct" });
    expect(row).toMatchObject({ key: "agent:main:main", agentId: "main", label: "home", chatType: "direct", createdAt: clock, updatedAt: clock });
    expect(row.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    // Written before resolve returned, despite the long debounce.
    expect((await readIndex())["agent:main:main"]).toMatchObject({ sessionId: row.sessionId, label: "home" });
    const header = JSON.parse((await readFile(path.join(sessionsDir(), `${row.sessionId}.jsonl`), "utf8")).trimEnd());
    expect(header).toEqual({ type: "session", version: 3, id: row.sessionId, timestamp: new Date(clock).toISOString(), cwd: "/ws" });
    expect((await stat(path.join(sessionsDir(), "sessions.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(sessionsDir())).mode & 0o777).toBe(0o700);
    // Resolving again returns the same session.
    expect((await store.resolve("main", "agent:main:main")).sessionId).toBe(row.sessionId);
  });

  it("creates one session for concurrent resolves of a new key", async () => {
    const store = open();
    const rows = await Promise.all(Array.from({ length: 10 }, () => store.resolve("main", "k")));
    expect(new Set(rows.map((r) => r.sessionId)).size).toBe(1);
    expect((await readdir(sessionsDir())).filter((f) => f.endsWith(".jsonl"))).toHaveLength(1);
  });

  it("lists rows newest first, per agent and across agents", async () => {
    const store = open();
    await store.resolve("main", "a");
    clock += 10;
    await store.resolve("ops", "b");
    clock += 10;
    await store.resolve("main", "c");
    expect((await store.list("main")).map((r) => r.key)).toEqual(["c", "a"]);
    expect((await store.list()).map((r) => `${r.agentId}/${r.key}`)).toEqual(["main/c", "ops/b", "main/a"]);
    // A fresh instance finds the agents on disk.
    await store.flush();
    expect((await open().list()).map((r) => r.key)).toEqual(["c", "b", "a"]);
  });

  it("patches (null deletes), coalesces writes and keeps unknown fields", async () => {
    await mkdir(sessionsDir(), { recursive: true });
    const existing = { k: { sessionId: "abc", updatedAt: 5, label: "x", skillsSnapshot: { a: 1 } }, broken: "not an entry" };
    await writeFile(path.join(sessionsDir(), "sessions.json"), JSON.stringify(existing));
    const store = open({ indexDebounceMs: 20 });
    expect(await store.get("main", "k")).toMatchObject({ sessionId: "abc", skillsSnapshot: { a: 1 } });
    const before = store.stats.indexWrites;
    for (let i = 0; i < 50; i++) await store.patch("main", "k", { inputTokens: i });
    const row = await store.patch("main", "k", { label: null, thinkingLevel: "high" });
    expect(row.label).toBeUndefined();
    expect(row.updatedAt).toBe(clock);
    await store.flush();
    expect(store.stats.indexWrites - before).toBeLessThanOrEqual(2);
    const index = await readIndex();
    expect(index.k).toEqual({ sessionId: "abc", updatedAt: clock, skillsSnapshot: { a: 1 }, inputTokens: 49, thinkingLevel: "high" });
    expect(index.broken).toBe("not an entry");
    await expect(store.patch("main", "k", { sessionId: "other" })).rejects.toThrow(/reset/);
  });

  it("debounces patches but flush() forces the write", async () => {
    const store = open({ indexDebounceMs: 60_000 });
    await store.resolve("main", "k");
    await store.patch("main", "k", { displayName: "Pat" });
    expect((await readIndex()).k!.displayName).toBeUndefined();
    await store.flush();
    expect((await readIndex()).k!.displayName).toBe("Pat");
  });

  it("resets to a new transcript and keeps the old one renamed", async () => {
    const store = open();
    const first = await store.resolve("main", "k", { label: "keep" });
    await store.append("main", "k", [userMessage("before")]);
    await store.patch("main", "k", { totalTokens: 99, thinkingLevel: "low" });
    clock += 1000;
    const next = await store.reset("main", "k");
    expect(next.sessionId).not.toBe(first.sessionId);
    expect(next).toMatchObject({ label: "keep", thinkingLevel: "low", createdAt: clock });
    expect(next.totalTokens).toBeUndefined();
    const files = await readdir(sessionsDir());
    expect(files).toContain(`${next.sessionId}.jsonl`);
    expect(files).not.toContain(`${first.sessionId}.jsonl`);
    expect(files.some((f) => f.startsWith(`${first.sessionId}.jsonl.reset.`))).toBe(true);
    expect(await store.readTranscript("main", "k")).toEqual([]);
    await store.append("main", "k", [userMessage("after")]);
    expect((await store.history("main", "k")).messages).toHaveLength(1);
  });

  it("deletes entries, keeping or removing the transcript", async () => {
    const store = open();
    const a = await store.resolve("main", "a");
    const b = await store.resolve("main", "b");
    expect(await store.delete("main", "a")).toBe(true);
    expect(await store.delete("main", "b", { deleteTranscript: true })).toBe(true);
    expect(await store.delete("main", "missing")).toBe(false);
    expect(await store.get("main", "a")).toBeUndefined();
    expect(await readIndex()).toEqual({});
    const files = await readdir(sessionsDir());
    expect(files).toContain(`${a.sessionId}.jsonl`);
    expect(files).not.toContain(`${b.sessionId}.jsonl`);
  });

  it("refuses writes scoped to a conversation the key no longer holds (reset, deleted)", async () => {
    const store = open();
    const first = await store.resolve("main", "k");
    const scope = { sessionId: first.sessionId };
    await store.append("main", "k", [userMessage("mine")], scope);
    await store.reset("main", "k");
    await expect(store.append("main", "k", [userMessage("late")], scope)).rejects.toThrow(/no longer holds conversation/);
    await expect(store.patch("main", "k", { abortedLastRun: true }, scope)).rejects.toThrow(/no longer holds conversation/);
    expect(await store.readTranscript("main", "k")).toEqual([]);
    expect((await store.get("main", "k"))!.abortedLastRun).toBeUndefined();
    const second = await store.resolve("main", "k");
    await store.delete("main", "k");
    await expect(store.appendWritten("main", "k", [userMessage("late")], { sessionId: second.sessionId })).rejects.toThrow(/no longer holds/);
    // The deleted key was not brought back.
    expect(await store.get("main", "k")).toBeUndefined();
  });

  it("sets an unparseable index aside instead of overwriting it", async () => {
    await mkdir(sessionsDir(), { recursive: true });
    await writeFile(path.join(sessionsDir(), "sessions.json"), "{ not json");
    const errors: unknown[] = [];
    const store = open({ onError: (e) => errors.push(e) });
    expect(await store.list("main")).toEqual([]);
    expect(errors).toHaveLength(1);
    expect((await readdir(sessionsDir())).some((f) => f.startsWith("sessions.json.corrupt-"))).toBe(true);
  });

  it("rejects unsafe agent ids, keys and session ids", async () => {
    const store = open();
    await expect(store.resolve("../x", "k")).rejects.toThrow(/agent id/);
    await expect(store.resolve("main", "")).rejects.toThrow(/session key/);
    await expect(store.resolve("main", "k", { sessionId: "../../etc/passwd" })).rejects.toThrow(/session id/);
  });

  it("bounds open transcripts with an LRU", async () => {
    const store = open({ maxOpenTranscripts: 2 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++) {
        await store.append("main", `s${i}`, [userMessage(`r${round} s${i}`)]);
        expect(store.stats.openTranscripts).toBeLessThanOrEqual(2);
      }
    }
    await store.flush();
    const stats = store.stats;
    expect(stats.openTranscripts).toBeLessThanOrEqual(2);
    expect(stats.transcriptsOpened).toBe(10);
    expect(stats.transcriptsClosed).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < 5; i++) {
      const entries = await store.readTranscript("main", `s${i}`);
      expect(entries.map((e) => (e.type === "message" ? e.message.content : null))).toEqual([
        [{ type: "text", text: `r0 s${i}` }],
        [{ type: "text", text: `r1 s${i}` }],
      ]);
      // Reopening the file found the previous entry, so the chain continues.
      expect(entries[1]!.parentId).toBe(entries[0]!.id);
    }
  });

  it("refuses calls after close", async () => {
    const store = open();
    await store.close();
    await expect(store.resolve("main", "k")).rejects.toThrow(/closed/);
  });
});
