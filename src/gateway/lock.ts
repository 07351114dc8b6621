// One gateway per config path: an exclusive lock file with stale detection (dead pid, pid reuse,
// a holder that is not a gateway). The bound port remains the primary singleton guard.
import fs from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { GatewayLockError, Messages } from "../errors.js";

export interface GatewayLockPayload {
  pid: number;
  createdAt: string;
  configPath: string;
  startTime?: number;
  port?: number;
}

export interface GatewayLockHandle {
  readonly path: string;
  /** Records the bound port so `gateway stop`/`status` can find the listener. */
  update(extra: Partial<GatewayLockPayload>): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  lockPath: string;
  configPath: string;
  timeoutMs?: number;
  pollMs?: number;
  staleMs?: number;
}

/** Linux process start time (clock ticks since boot), used to detect pid reuse. */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22; the command name (field 2) may contain spaces, so split after its closing paren.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const value = Number(rest[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function readGatewayLock(lockPath: string): Promise<GatewayLockPayload | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(lockPath, "utf8")) as GatewayLockPayload;
    return typeof parsed.pid === "number" ? parsed : null;
  } catch {
    return null;
  }
}

/** The lock's holder if it is alive and is still the process that wrote the lock (not a reused pid). */
export function liveLockHolder(lock: GatewayLockPayload | null, alive = isPidAlive, startTime = processStartTime): GatewayLockPayload | null {
  if (!lock || !Number.isInteger(lock.pid) || lock.pid <= 0 || !alive(lock.pid)) return null;
  if (lock.startTime !== undefined) {
    const actual = startTime(lock.pid);
    if (actual !== undefined && actual !== lock.startTime) return null;
  }
  return lock;
}

type HolderState = "alive" | "dead" | "unknown";

function holderState(payload: GatewayLockPayload | null): HolderState {
  if (!payload) return "unknown";
  if (payload.pid === process.pid) return "alive";
  if (!isPidAlive(payload.pid)) return "dead";
  const start = processStartTime(payload.pid);
  if (start === undefined) return "unknown";
  if (payload.startTime !== undefined && start !== payload.startTime) return "dead"; // pid reused
  return "alive";
}

/** Acquires the lock or throws GatewayLockError after `timeoutMs` (default 5000). */
export async function acquireGatewayLock(opts: AcquireLockOptions): Promise<GatewayLockHandle> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const pollMs = opts.pollMs ?? 100;
  const staleMs = opts.staleMs ?? 30_000;
  await fs.mkdir(path.dirname(opts.lockPath), { recursive: true, mode: 0o700 });
  const payload: GatewayLockPayload = {
    pid: process.pid,
    createdAt: new Date().toISOString(),
    configPath: opts.configPath,
  };
  const start = processStartTime(process.pid);
  if (start !== undefined) payload.startTime = start;
  const deadline = Date.now() + timeoutMs;
  let lastHolder: GatewayLockPayload | null = null;
  for (;;) {
    try {
      const fh = await fs.open(opts.lockPath, "wx", 0o600);
      try {
        await fh.writeFile(JSON.stringify(payload));
      } finally {
        await fh.close();
      }
      return makeHandle(opts.lockPath, payload);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    lastHolder = await readGatewayLock(opts.lockPath);
    const state = holderState(lastHolder);
    let stale = state === "dead";
    if (state === "unknown") {
      const st = await fs.stat(opts.lockPath).catch(() => null);
      stale = !st || Date.now() - st.mtimeMs > staleMs;
    }
    if (stale) {
      await fs.rm(opts.lockPath, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new GatewayLockError(Messages.lockTimeout(lastHolder?.pid ?? "unknown", timeoutMs), lastHolder?.pid);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function makeHandle(lockPath: string, payload: GatewayLockPayload): GatewayLockHandle {
  let current = payload;
  let released = false;
  return {
    path: lockPath,
    async update(extra) {
      if (released) return;
      current = { ...current, ...extra };
      const tmp = `${lockPath}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(current), { mode: 0o600 });
      await fs.rename(tmp, lockPath);
    },
    async release() {
      if (released) return;
      released = true;
      // Only remove the file if it is still ours (a stale-lock sweep by someone else may have replaced it).
      const onDisk = await readGatewayLock(lockPath);
      if (onDisk && onDisk.pid === payload.pid) await fs.rm(lockPath, { force: true });
    },
  };
}
