// Cron persistence: jobs in `<stateDir>/cron/jobs.json` (or `cron.store`), replaced atomically
// with mode 0600, and one bounded JSONL run history per job in `runs/<jobId>.jsonl` beside it.
// A jobs file that cannot be parsed is kept as `jobs.json.corrupt-<ts>` and the store starts
// empty, so a bad edit never stops the gateway and never silently destroys the old file.
import fs from "node:fs/promises";
import path from "node:path";
import { SerialWriter } from "../gateway/devices/json-file.js";
import type { CronJob, RunStatus } from "./jobs.js";

export const STORE_VERSION = 1;
export const DEFAULT_RUN_LOG_KEEP_LINES = 200;
export const DEFAULT_RUN_LOG_MAX_BYTES = 2 * 1024 * 1024;

/** One line of a job's run history. */
export interface CronRunEntry {
  ts: number;
  jobId: string;
  jobName?: string;
  action: "finished";
  trigger: "schedule" | "manual" | "catch-up";
  status: RunStatus;
  runAtMs: number;
  durationMs: number;
  error?: string;
  summary?: string;
  runId?: string;
  sessionKey?: string;
  nextRunAtMs?: number;
  /** Missed scheduled runs this catch-up run stands for. */
  missedRuns?: number;
  delivery?: { status: "sent" | "failed"; channel?: string; to?: string; messageId?: string; error?: string };
}

export interface LoadResult {
  jobs: CronJob[];
  /** Set when the file was unreadable and moved aside. */
  corruptCopy?: string;
  problem?: string;
}

export class CronStore {
  readonly #writer: SerialWriter;
  readonly runsDir: string;

  constructor(
    readonly file: string,
    private readonly runLog: { keepLines: number; maxBytes: number } = { keepLines: DEFAULT_RUN_LOG_KEEP_LINES, maxBytes: DEFAULT_RUN_LOG_MAX_BYTES },
  ) {
    this.#writer = new SerialWriter(file);
    this.runsDir = path.join(path.dirname(file), "runs");
  }

  async load(now = Date.now()): Promise<LoadResult> {
    let text: string;
    try {
      text = await fs.readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { jobs: [] };
      throw err;
    }
    try {
      return { jobs: parseJobsFile(text) };
    } catch (err) {
      const corruptCopy = `${this.file}.corrupt-${now}`;
      await fs.rename(this.file, corruptCopy);
      return { jobs: [], corruptCopy, problem: (err as Error).message };
    }
  }

  save(jobs: readonly CronJob[]): Promise<void> {
    return this.#writer.write(`${JSON.stringify({ version: STORE_VERSION, jobs }, null, 2)}\n`);
  }

  runFile(jobId: string): string {
    // Job ids are server-made UUIDs; anything else never reaches the file system as a path part.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(jobId)) throw new Error(`bad job id for a run log: ${jobId}`);
    return path.join(this.runsDir, `${jobId}.jsonl`);
  }

  /** Appends one entry; when the file outgrows `maxBytes` it is cut to the last `keepLines`. */
  async appendRun(entry: CronRunEntry): Promise<void> {
    await fs.mkdir(this.runsDir, { recursive: true, mode: 0o700 });
    const file = this.runFile(entry.jobId);
    await fs.appendFile(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    const { size } = await fs.stat(file);
    if (size > this.runLog.maxBytes || (await this.#lineCountOver(file, size))) {
      const kept = (await this.readRuns(entry.jobId)).slice(-this.runLog.keepLines);
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, kept.map((e) => JSON.stringify(e)).join("\n") + "\n", { mode: 0o600 });
      await fs.rename(tmp, file);
    }
  }

  // A cheap bound: only count lines once the file could hold more than keepLines short entries.
  async #lineCountOver(file: string, size: number): Promise<boolean> {
    if (size < this.runLog.keepLines * 64) return false;
    const text = await fs.readFile(file, "utf8");
    let n = 0;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
    return n > this.runLog.keepLines * 1.25;
  }

  /** A job's history, oldest first; a torn or foreign line is skipped. */
  async readRuns(jobId: string): Promise<CronRunEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.runFile(jobId), "utf8");
    } catch {
      return [];
    }
    const out: CronRunEntry[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as CronRunEntry;
        if (e && e.jobId === jobId && typeof e.ts === "number") out.push(e);
      } catch {
        // torn last line after a crash
      }
    }
    return out;
  }

  async removeRuns(jobId: string): Promise<void> {
    await fs.rm(this.runFile(jobId), { force: true });
  }

  /** Histories of every job with a run log (for `cron.runs` with scope "all"). */
  async readAllRuns(): Promise<CronRunEntry[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.runsDir);
    } catch {
      return [];
    }
    const lists = await Promise.all(names.filter((n) => n.endsWith(".jsonl")).map((n) => this.readRuns(n.slice(0, -".jsonl".length)).catch(() => [])));
    return lists.flat();
  }
}

function parseJobsFile(text: string): CronJob[] {
  const data = JSON.parse(text) as unknown;
  const jobs = Array.isArray(data) ? data : (data as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(jobs)) throw new Error("expected {version, jobs: [...]}");
  for (const j of jobs) {
    const job = j as Partial<CronJob> | null;
    if (!job || typeof job.id !== "string" || typeof job.schedule !== "object" || typeof job.payload !== "object") {
      throw new Error("a job lacks id, schedule or payload");
    }
    job.state ??= {};
  }
  return jobs as CronJob[];
}
