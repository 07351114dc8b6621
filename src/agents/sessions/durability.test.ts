import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { userMessage } from "./convert.js";
import { SessionStore } from "./store.js";

const here = path.dirname(fileURLToPath(import.meta.url));
let stateDir: string;

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), "oc-durable-"));
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe("group commit", () => {
  it("batches 100 concurrent appends into a few fsyncs, in order", async () => {
    const store = new SessionStore({ stateDir });
    await store.resolve("main", "k");
    const before = store.stats.transcriptFsyncs;
    const resolved: string[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.append("main", "k", [userMessage(`m${i}`)]).then(([entry]) => void resolved.push(entry!.id)),
      ),
    );
    const fsyncs = store.stats.transcriptFsyncs - before;
    console.log(`group commit: 100 concurrent appends -> ${fsyncs} fsync(s)`);
    expect(fsyncs).toBeLessThanOrEqual(5);
    const entries = await store.readTranscript("main", "k");
    expect(entries.map((e) => e.id)).toEqual(resolved);
    // Call order is file order, and the chain is unbroken.
    expect(entries.map((e) => (e.type === "message" ? (e.message.content[0] as { text: string }).text : ""))).toEqual(
      Array.from({ length: 100 }, (_, i) => `m${i}`),
    );
    entries.forEach((e, i) => expect(e.parentId).toBe(i === 0 ? null : entries[i - 1]!.id));
    await store.close();
  });

  it("batches appends that arrive while a write is in flight across sessions too", async () => {
    const store = new SessionStore({ stateDir });
    const waves = [];
    for (let wave = 0; wave < 5; wave++) {
      waves.push(...Array.from({ length: 20 }, (_, i) => store.append("main", `k${i % 4}`, [userMessage(`${wave}-${i}`)])));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waves);
    const fsyncs = store.stats.transcriptFsyncs;
    console.log(`group commit: 100 appends over 4 sessions in 5 waves -> ${fsyncs} fsync(s)`);
    expect(fsyncs).toBeLessThan(50);
    for (let k = 0; k < 4; k++) expect(await store.readTranscript("main", `k${k}`)).toHaveLength(25);
    await store.close();
  });
});

describe("appendWritten (the user turn, synced while the model is called)", () => {
  it("resolves once the entry is in the file, then settles durable with the same entry; history sees it at once", async () => {
    const store = new SessionStore({ stateDir });
    await store.append("main", "k", [userMessage("first")]);
    const fsyncsBefore = store.stats.transcriptFsyncs;
    const { entries, durable } = await store.appendWritten("main", "k", [userMessage("second")]);
    expect(entries).toHaveLength(1);
    const file = (await readdir(path.join(stateDir, "agents", "main", "sessions"))).find((f) => f.endsWith(".jsonl"))!;
    const onDisk = await readFile(path.join(stateDir, "agents", "main", "sessions", file), "utf8");
    expect(onDisk).toContain(`"id":"${entries[0]!.id}"`);
    const history = await store.history("main", "k");
    expect(history.messages.map((m) => (m.content[0] as { text: string }).text)).toEqual(["first", "second"]);
    expect(await durable).toEqual(entries);
    expect(store.stats.transcriptFsyncs).toBe(fsyncsBefore + 1);
    // The next append chains onto it.
    const [next] = await store.append("main", "k", [userMessage("third")]);
    expect(next!.parentId).toBe(entries[0]!.id);
    await store.close();
  });

  it("rejects (and never resolves written) when the append cannot happen", async () => {
    const store = new SessionStore({ stateDir });
    await expect(store.appendWritten("main", "bad key\n", [userMessage("x")])).rejects.toThrow(/invalid session key/);
    await store.close();
  });
});

describe("atomic index", () => {
  it("never exposes a partial sessions.json under many concurrent patches", async () => {
    const store = new SessionStore({ stateDir, indexDebounceMs: 1 });
    await store.resolve("main", "k0");
    const file = path.join(stateDir, "agents", "main", "sessions", "sessions.json");
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        JSON.parse(await readFile(file, "utf8"));
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 25 }, (_, i) => store.patch("main", `k${i}`, { label: `r${round}`, inputTokens: round * 100 + i })));
      await new Promise((r) => setTimeout(r, 2));
    }
    await store.flush();
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    const index = JSON.parse(await readFile(file, "utf8"));
    expect(Object.keys(index)).toHaveLength(25);
    for (let i = 0; i < 25; i++) expect(index[`k${i}`]).toMatchObject({ label: "r19", inputTokens: 1900 + i });
    expect((await readdir(path.dirname(file))).filter((f) => f.includes(".tmp"))).toEqual([]);
    expect(store.stats.indexWrites).toBeLessThan(20 * 25);
    await store.close();
  });
});

describe("crash safety (kill -9 of a real child process)", () => {
  let bundleDir: string;

  beforeAll(async () => {
    bundleDir = await mkdtemp(path.join(os.tmpdir(), "oc-store-bundle-"));
    await build({
      entryPoints: [path.join(here, "store.ts")],
      outfile: path.join(bundleDir, "store.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "silent",
    });
    // Four concurrent writers so kills land inside group commits; every resolved id is printed.
    const child = `
      import { SessionStore } from "./store.mjs";
      const store = new SessionStore({ stateDir: process.argv[2], indexDebounceMs: 2 });
      let n = 0;
      async function loop(w) {
        for (;;) {
          const i = n++;
          const text = "w" + w + " #" + i + " " + "x".repeat((i % 7) * 400);
          const [e] = await store.append("main", "agent:main:main", [{ role: "user", content: [{ type: "text", text }], timestamp: Date.now() }]);
          process.stdout.write(e.id + "\\n");
          if (i % 5 === 0) store.patch("main", "agent:main:main", { inputTokens: i }).catch(() => {});
        }
      }
      for (let w = 0; w < 4; w++) loop(w);
    `;
    await writeFile(path.join(bundleDir, "child.mjs"), child);
  });

  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  function runAndKill(afterIds: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(bundleDir, "child.mjs"), stateDir], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        if (out.split("\n").length > afterIds) child.kill("SIGKILL");
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.on("error", reject);
      child.on("exit", (_code, signal) => {
        clearTimeout(timer);
        if (signal !== "SIGKILL") return reject(new Error(`child exited on its own: ${stderr}`));
        // Only whole lines: a line cut by the kill was never fully acknowledged.
        resolve(out.split("\n").slice(0, -1));
      });
    });
  }

  it("keeps every acknowledged append across repeated kills and appends again", async () => {
    const acked: string[] = [];
    for (const afterIds of [150, 60, 300]) {
      acked.push(...(await runAndKill(afterIds)));
      const store = new SessionStore({ stateDir });
      const entries = await store.readTranscript("main", "agent:main:main");
      const onDisk = new Set(entries.map((e) => e.id));
      const missing = acked.filter((id) => !onDisk.has(id));
      expect(missing).toEqual([]);
      // One linear chain: nothing lost in the middle, each kill's survivor links to the last entry.
      entries.forEach((e, i) => expect(e.parentId).toBe(i === 0 ? null : entries[i - 1]!.id));
      const [again] = await store.append("main", "agent:main:main", [userMessage("after the crash")]);
      expect(again!.parentId).toBe(entries.at(-1)!.id);
      acked.push(again!.id);
      await store.close();
      const index = JSON.parse(await readFile(path.join(stateDir, "agents", "main", "sessions", "sessions.json"), "utf8"));
      expect(index["agent:main:main"].sessionId).toBeTypeOf("string");
    }
    expect(acked.length).toBeGreaterThan(500);
  });
});
