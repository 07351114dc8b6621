import { mkdtemp, readFile, rm, stat, writeFile, mkdir, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ResponseStore, responseStorePath, RESPONSE_STORE_MAX_AGE_MS } from "./response-store.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "oc-resp-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (n: number, createdAt: number) => ({ agentId: "main", sessionKey: `agent:main:openresponses:${n}`, createdAt, entryId: `e${n}` });

describe("ResponseStore", () => {
  it("persists to <stateDir>/openresponses/responses.json (0600) and reloads after a restart", async () => {
    const a = new ResponseStore({ stateDir: dir });
    await a.put("resp_1", entry(1, Date.now()));
    const file = responseStorePath(dir);
    expect(file).toBe(path.join(dir, "openresponses", "responses.json"));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const b = new ResponseStore({ stateDir: dir });
    expect(await b.get("resp_1")).toEqual(entry(1, (await a.get("resp_1"))!.createdAt));
    expect(await b.get("resp_unknown")).toBeUndefined();
    // No temp files are left behind by the atomic write.
    expect(await readdir(path.dirname(file))).toEqual(["responses.json"]);
  });

  it("keeps only the newest maxEntries", async () => {
    const store = new ResponseStore({ stateDir: dir, maxEntries: 3 });
    const now = Date.now();
    for (let i = 1; i <= 5; i++) await store.put(`resp_${i}`, entry(i, now + i));
    expect(await store.size()).toBe(3);
    expect(await store.get("resp_2")).toBeUndefined();
    expect(await store.get("resp_3")).toBeDefined();
    const reloaded = new ResponseStore({ stateDir: dir, maxEntries: 3 });
    expect(await reloaded.size()).toBe(3);
    expect(await reloaded.get("resp_5")).toBeDefined();
  });

  it("drops entries older than 30 days, on read and on load", async () => {
    let now = 1_000_000_000_000;
    const store = new ResponseStore({ stateDir: dir, now: () => now });
    await store.put("resp_old", entry(1, now));
    now += RESPONSE_STORE_MAX_AGE_MS + 1;
    expect(await store.get("resp_old")).toBeUndefined();
    await store.put("resp_new", entry(2, now));
    expect(await store.size()).toBe(1);
    const text = JSON.parse(await readFile(responseStorePath(dir), "utf8"));
    expect(Object.keys(text.responses)).toEqual(["resp_new"]);
  });

  it("coalesces concurrent puts and makes every one durable", async () => {
    const store = new ResponseStore({ stateDir: dir });
    const now = Date.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(`resp_${i}`, entry(i, now))));
    const reloaded = new ResponseStore({ stateDir: dir });
    expect(await reloaded.size()).toBe(50);
  });

  it("sets a corrupt file aside and starts empty", async () => {
    const file = responseStorePath(dir);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, "{not json");
    const errors: unknown[] = [];
    const store = new ResponseStore({ stateDir: dir, onError: (e) => errors.push(e) });
    expect(await store.get("resp_1")).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect((await readdir(path.dirname(file))).some((f) => f.startsWith("responses.json.corrupt-"))).toBe(true);
    await store.put("resp_1", entry(1, Date.now()));
    expect(await new ResponseStore({ stateDir: dir }).get("resp_1")).toBeDefined();
  });

  it("releases a session when the last response pointing into it is pruned, by count or on load", async () => {
    const released: string[] = [];
    const onSessionReleased = (_agent: string, key: string) => void released.push(key);
    const store = new ResponseStore({ stateDir: dir, maxEntries: 2, onSessionReleased });
    const now = Date.now();
    const shared = { agentId: "main", sessionKey: "agent:main:openresponses:shared" };
    await store.put("resp_a", { ...shared, createdAt: now + 1, entryId: "a" });
    await store.put("resp_b", { ...shared, createdAt: now + 2, entryId: "b" });
    await store.put("resp_c", entry(3, now + 3));
    expect(released).toEqual([]); // resp_a went, but resp_b still points into the shared session
    await store.put("resp_d", entry(4, now + 4));
    expect(released).toEqual(["agent:main:openresponses:shared"]);
    // A store that loads more than it may keep releases on load too.
    const reloaded: string[] = [];
    const small = new ResponseStore({ stateDir: dir, maxEntries: 1, onSessionReleased: (_a, key) => void reloaded.push(key) });
    expect(await small.size()).toBe(1);
    expect(reloaded).toEqual(["agent:main:openresponses:3"]);
  });

  it("keeps the request's user with the entry across a restart", async () => {
    const store = new ResponseStore({ stateDir: dir });
    await store.put("resp_u", { ...entry(1, Date.now()), user: "ann" });
    await store.put("resp_n", entry(2, Date.now()));
    const reloaded = new ResponseStore({ stateDir: dir });
    expect((await reloaded.get("resp_u"))?.user).toBe("ann");
    expect(await reloaded.get("resp_n")).not.toHaveProperty("user");
  });
});
