import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayLockError } from "../errors.js";
import { acquireGatewayLock, readGatewayLock } from "./lock.js";

let dir: string;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function tmp() {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "oc-lock-"));
  return path.join(dir, "sub", "gateway.lock");
}

describe("gateway lock", () => {
  it("writes the payload, records the port and releases", async () => {
    const lockPath = await tmp();
    const lock = await acquireGatewayLock({ lockPath, configPath: "/x/openclaw.json" });
    await lock.update({ port: 1234 });
    expect(await readGatewayLock(lockPath)).toMatchObject({ pid: process.pid, configPath: "/x/openclaw.json", port: 1234 });
    await lock.release();
    await expect(fs.access(lockPath)).rejects.toThrow();
  });

  it("replaces a lock held by a dead pid", async () => {
    const lockPath = await tmp();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    await fs.mkdir(path.dirname(lockPath), { recursive: true });
    await fs.writeFile(lockPath, JSON.stringify({ pid: Number(dead), createdAt: new Date().toISOString(), configPath: "c" }));
    const lock = await acquireGatewayLock({ lockPath, configPath: "c", timeoutMs: 500 });
    expect((await readGatewayLock(lockPath))?.pid).toBe(process.pid);
    await lock.release();
  });

  it("treats an unreadable old lock as stale, a live holder as a timeout", async () => {
    const lockPath = await tmp();
    await fs.mkdir(path.dirname(lockPath), { recursive: true });
    await fs.writeFile(lockPath, "garbage");
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockPath, old, old);
    const lock = await acquireGatewayLock({ lockPath, configPath: "c", timeoutMs: 300 });
    // Now we hold it: a second acquire from "another" holder (a live pid with a start time) times out.
    const payload = await readGatewayLock(lockPath);
    await fs.writeFile(lockPath, JSON.stringify({ ...payload, pid: process.ppid, startTime: undefined }));
    await expect(acquireGatewayLock({ lockPath, configPath: "c", timeoutMs: 250, pollMs: 50 })).rejects.toThrow(GatewayLockError);
    await expect(acquireGatewayLock({ lockPath, configPath: "c", timeoutMs: 250, pollMs: 50 })).rejects.toThrow(
      `gateway already running (pid ${process.ppid}); lock timeout after 250ms`,
    );
    await lock.release(); // not ours any more: left in place
    expect((await readGatewayLock(lockPath))?.pid).toBe(process.ppid);
  });
});
