import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelPairingStore, MAX_PENDING_PER_ACCOUNT, PAIRING_CODE_TTL_MS } from "./pairing-store.js";

let dir: string;
let now = 1_000_000;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-pairing-"));
  now = 1_000_000;
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const sender = (id: string) => ({ accountId: "default", senderId: id, chatId: id, senderName: `User ${id}` });

describe("ChannelPairingStore", () => {
  it("issues one code per sender, re-notifies at most once a minute, approves once", async () => {
    const store = new ChannelPairingStore(dir, () => now);
    const first = await store.request("telegram", sender("1"));
    expect(first).toMatchObject({ created: true, notify: true });
    expect(first!.entry.code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    const again = await store.request("telegram", sender("1"));
    expect(again).toMatchObject({ created: false, notify: false, entry: { code: first!.entry.code } });
    now += 61_000;
    expect((await store.request("telegram", sender("1")))!.notify).toBe(true);

    expect(await store.isApproved("telegram", "default", "1")).toBe(false);
    const approved = await store.approve("telegram", ` ${first!.entry.code.toLowerCase()} `);
    expect(approved?.senderId).toBe("1");
    expect(await store.isApproved("telegram", "default", "1")).toBe(true);
    expect(await store.isApproved("telegram", "other", "1")).toBe(false);
    expect(await store.approve("telegram", first!.entry.code)).toBeNull();
    expect(await store.list("telegram")).toEqual([]);
  });

  it("writes owner-only files that survive a new store", async () => {
    const a = new ChannelPairingStore(dir, () => now);
    const r = await a.request("telegram", sender("2"));
    for (const f of ["telegram-pairing.json"]) {
      expect((await fs.stat(path.join(dir, "credentials", f))).mode & 0o777).toBe(0o600);
    }
    const b = new ChannelPairingStore(dir, () => now);
    expect((await b.list("telegram")).map((e) => e.code)).toEqual([r!.entry.code]);
    await b.approve("telegram", r!.entry.code);
    expect((await fs.stat(path.join(dir, "credentials", "telegram-allowFrom.json"))).mode & 0o777).toBe(0o600);
  });

  it("codes expire, and an account holds a bounded number of open requests", async () => {
    const store = new ChannelPairingStore(dir, () => now);
    const r = await store.request("telegram", sender("3"));
    now += PAIRING_CODE_TTL_MS + 1;
    expect(await store.approve("telegram", r!.entry.code)).toBeNull();
    for (let i = 0; i < MAX_PENDING_PER_ACCOUNT; i++) expect(await store.request("telegram", sender(`x${i}`))).not.toBeNull();
    expect(await store.request("telegram", sender("one-too-many"))).toBeNull();
  });

  it("tolerates a corrupt file and refuses path-like channel ids", async () => {
    await fs.mkdir(path.join(dir, "credentials"), { recursive: true });
    await fs.writeFile(path.join(dir, "credentials", "telegram-pairing.json"), "{not json");
    const store = new ChannelPairingStore(dir, () => now);
    expect(await store.list("telegram")).toEqual([]);
    await expect(store.list("../evil")).rejects.toThrow(/invalid channel id/);
  });
});
