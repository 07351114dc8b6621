// history() may answer from the open writer's copy of the transcript instead of reading the file;
// it must always give what a read of the file would, including foreign writes seen by appends.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { userMessage } from "./convert.js";
import { SessionStore } from "./store.js";
import { parseTranscript, selectHistory } from "./transcript-read.js";
import { MAX_KNOWN_TEXT } from "./transcript-writer.js";

let dir: string | undefined;
let store: SessionStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const key = "agent:main:main";
const texts = (h: { messages: unknown[] }) => h.messages.map((m) => (m as { content: { text: string }[] }).content.map((c) => c.text).join(""));

async function fromDisk(s: SessionStore) {
  const entry = (await s.get("main", key))!;
  return selectHistory(parseTranscript(await fs.readFile(s.transcriptPath("main", entry), "utf8")));
}

describe("history() from the writer's copy", () => {
  it("matches the file after every append", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-hist-"));
    store = new SessionStore({ stateDir: dir });
    for (let i = 0; i < 5; i++) {
      await store.append("main", key, [userMessage(`turn ${i} ✓`)]);
      const h = await store.history("main", key);
      expect(h).toEqual(await fromDisk(store));
      expect(h.messages).toHaveLength(i + 1);
    }
  });

  it("matches the file through concurrent batches, a compaction and a reopened store", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-hist-"));
    store = new SessionStore({ stateDir: dir });
    await Promise.all(Array.from({ length: 6 }, (_, i) => store!.append("main", key, [userMessage(`a${i}`)])));
    expect(await store.history("main", key)).toEqual(await fromDisk(store));
    const kept = (await store.readTranscript("main", key))[3]!;
    await store.appendCompaction("main", key, { summary: "the first turns", firstKeptEntryId: kept.id, tokensBefore: 100 });
    await store.append("main", key, [userMessage("after")]);
    const h = await store.history("main", key);
    expect(h.summary).toBe("the first turns");
    expect(texts(h)).toEqual(["a3", "a4", "a5", "after"]);
    expect(h).toEqual(await fromDisk(store));
    await store.close();
    // A new store reads the file once, then keeps its parsed copy current across appends.
    store = new SessionStore({ stateDir: dir });
    expect(await store.history("main", key)).toEqual(await fromDisk(store));
    await store.append("main", key, [userMessage("reopened")]);
    await store.history("main", key);
    await store.append("main", key, [userMessage("again")]);
    const after = await store.history("main", key);
    expect(texts(after).slice(-2)).toEqual(["reopened", "again"]);
    expect(after).toEqual(await fromDisk(store));
  });

  it("sees an entry appended by someone else once the next append notices the foreign write", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-hist-"));
    store = new SessionStore({ stateDir: dir });
    const [first] = await store.append("main", key, [userMessage("one")]);
    await store.history("main", key); // the writer now holds a copy
    const entry = (await store.get("main", key))!;
    const foreign = { type: "message", id: "f0f0f0f0", parentId: first!.id, timestamp: new Date().toISOString(), message: { role: "user", content: [{ type: "text", text: "from an editor" }], timestamp: Date.now() } };
    await fs.appendFile(store.transcriptPath("main", entry), `${JSON.stringify(foreign)}\n`);
    await store.append("main", key, [userMessage("two")]);
    const h = await store.history("main", key);
    expect(texts(h)).toEqual(["one", "from an editor", "two"]);
    expect(h).toEqual(await fromDisk(store));
  });

  it("falls back to the file for transcripts over the copy limit", async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-hist-"));
    store = new SessionStore({ stateDir: dir });
    const big = "x".repeat(Math.ceil(MAX_KNOWN_TEXT / 3));
    for (let i = 0; i < 4; i++) await store.append("main", key, [userMessage(`${i}${big}`)]);
    await store.history("main", key);
    await store.append("main", key, [userMessage("last")]);
    const h = await store.history("main", key);
    expect(h.messages).toHaveLength(5);
    expect(h).toEqual(await fromDisk(store));
  });
});
