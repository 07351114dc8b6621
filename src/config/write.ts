// Durable config writes: pretty JSON stamped with meta, written atomically (tmp + fsync +
// rename), the previous file kept as `.bak`, and every write appended to an audit log.
import { randomBytes } from "node:crypto";
import { appendFile, chmod, mkdir, open, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { hashConfigRaw } from "./config-hash.js";
import { ConfigError } from "./errors.js";
import { isPlainObject } from "./object-utils.js";

/** What to write, where, and on whose behalf (`source` is recorded in the audit log). */
export interface WriteConfigOptions {
  configPath: string;
  stateDir: string;
  config: Record<string, unknown>;
  source: string;
  /** Allow the new file to be less than half the size of the current one. */
  allowShrink?: boolean;
  /** Stamped as `meta.lastTouchedVersion`; the existing stamp is kept when omitted. */
  version?: string;
}

/** Outcome of a write: hash and size of the new file, and where the old one was kept. */
export interface WriteConfigResult {
  hash: string;
  bytes: number;
  backupPath: string | null;
}

/** `<stateDir>/logs/config-audit.jsonl`. */
export function configAuditPath(stateDir: string): string {
  return path.join(stateDir, "logs", "config-audit.jsonl");
}

async function readExisting(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function ensurePrivateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask; chmod makes the new directory exactly 0700.
  if (created !== undefined) await chmod(dir, 0o700);
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable. Some platforms cannot open or fsync a directory; the
  // file data is already synced there, so that failure is not worth failing the write for.
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // see above
  }
}

function stampMeta(config: Record<string, unknown>, version: string | undefined): Record<string, unknown> {
  const meta = isPlainObject(config.meta) ? config.meta : {};
  return {
    ...config,
    meta: {
      ...meta,
      ...(version === undefined ? {} : { lastTouchedVersion: version }),
      lastTouchedAt: new Date().toISOString(),
    },
  };
}

async function writeNow(opts: WriteConfigOptions): Promise<WriteConfigResult> {
  const file = path.resolve(opts.configPath);
  const text = `${JSON.stringify(stampMeta(opts.config, opts.version), null, 2)}\n`;
  const nextBytes = Buffer.byteLength(text);
  const previous = await readExisting(file);
  if (previous && !opts.allowShrink && nextBytes < previous.length / 2) {
    throw new ConfigError(
      `refusing to write config: new file (${nextBytes} bytes) is less than half of the current file (${previous.length} bytes); pass allowShrink to confirm`,
    );
  }

  await ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const backupPath = previous ? `${file}.bak` : null;
  try {
    const handle = await open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (previous && backupPath) {
      // The backup is replaced atomically too: a crash never leaves a torn `.bak` to restore from.
      const bakTmp = `${backupPath}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeFile(bakTmp, previous, { mode: 0o600, flag: "wx" });
        await rename(bakTmp, backupPath);
      } catch (error) {
        await unlink(bakTmp).catch(() => undefined);
        throw error;
      }
    }
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await removeStaleTemps(file);
  await fsyncDir(path.dirname(file));

  const nextHash = hashConfigRaw(text);
  await appendAudit(opts.stateDir, {
    ts: new Date().toISOString(),
    source: opts.source,
    path: file,
    pid: process.pid,
    previousHash: previous ? hashConfigRaw(previous) : null,
    nextHash,
    previousBytes: previous ? previous.length : null,
    nextBytes,
    backupPath,
  });
  return { hash: nextHash, bytes: nextBytes, backupPath };
}

/** Temp files left by writers that died mid-write (their pid is gone). */
async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const pattern = /^\.(?:bak\.)?(\d+)\.[0-9a-f]{12}\.tmp$/;
  for (const name of names) {
    const m = name.startsWith(base) ? pattern.exec(name.slice(base.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function appendAudit(stateDir: string, entry: Record<string, unknown>): Promise<void> {
  // The config is already durably replaced at this point; failing the call over the audit
  // trail would tell the caller the write failed when it did not.
  try {
    const auditPath = configAuditPath(stateDir);
    await ensurePrivateDir(path.dirname(auditPath));
    await appendFile(auditPath, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch {
    // see above
  }
}

/** Serialises writes per config path, so concurrent writers in one process never interleave. */
export class ConfigWriter {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Queues a write behind any pending write to the same path. */
  write(opts: WriteConfigOptions): Promise<WriteConfigResult> {
    const key = path.resolve(opts.configPath);
    const run = (this.tails.get(key) ?? Promise.resolve()).then(() => writeNow(opts));
    // One failed write must not block the ones queued after it.
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

/** Writes the config through `writer` (a fresh one, i.e. no cross-call ordering, if omitted). */
export function writeConfigFile(opts: WriteConfigOptions, writer: ConfigWriter = new ConfigWriter()): Promise<WriteConfigResult> {
  return writer.write(opts);
}
