// `exec`: runs a shell command in the workspace under `tools.exec` policy, with a minimal
// environment, a timeout that kills the whole process group, and an output cap that keeps the tail.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import { Type } from "@sinclair/typebox";
import { defineTool } from "./define-tool.js";
import { fsError, ToolError, toolErrors } from "./errors.js";
import { checkExecCommand, DEFAULT_EXEC_ALLOWLIST } from "./exec-policy.js";
import type { ExecSecurity, ToolPolicy } from "./types.js";
import { resolveInWorkspace } from "./workspace-path.js";

export const EXEC_DEFAULT_TIMEOUT_SECONDS = 30;
export const EXEC_DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
const MAX_TIMEOUT_SECONDS = 1800;
// After SIGTERM, how long the group gets before SIGKILL; after the shell exits, how long
// stragglers holding its pipes get before we stop waiting for them.
const KILL_GRACE_MS = 500;
const CLOSE_GRACE_MS = 1000;
const SECURITY_MODES: readonly ExecSecurity[] = ["deny", "allowlist", "full"];

const ExecParams = Type.Object({
  command: Type.String({ minLength: 1, description: "Shell command, run with /bin/sh -c." }),
  cwd: Type.Optional(Type.String({ description: "Working directory inside the workspace. Default: the workspace." })),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TIMEOUT_SECONDS, description: "Kill the command after this many seconds." })),
});

/** Keeps the last `cap` bytes of a stream and counts the rest. */
class TailBuffer {
  #chunks: Buffer[] = [];
  #kept = 0;
  total = 0;
  constructor(readonly cap: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.#chunks.push(chunk);
    this.#kept += chunk.length;
    while (this.#chunks.length > 1 && this.#kept - this.#chunks[0]!.length >= this.cap) this.#kept -= this.#chunks.shift()!.length;
  }

  text(): string {
    let buf = Buffer.concat(this.#chunks);
    if (buf.length > this.cap) {
      buf = buf.subarray(buf.length - this.cap);
      // Don't start mid-character: skip UTF-8 continuation bytes.
      let skip = 0;
      while (skip < 3 && skip < buf.length && (buf[skip]! & 0xc0) === 0x80) skip++;
      buf = buf.subarray(skip);
    }
    return buf.toString("utf8");
  }
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

function run(command: string, cwd: string, workspace: string, timeoutMs: number, signal: AbortSignal, out: TailBuffer): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      env: { PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin", HOME: workspace, LANG: process.env.LANG || "C.UTF-8" },
      detached: true, // own process group, so a timeout kills pipelines and children too
      stdio: ["ignore", "pipe", "pipe"],
    });
    const outcome: Outcome = { code: null, signal: null, timedOut: false, aborted: false };
    const timers: NodeJS.Timeout[] = [];
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const stop = () => {
      killGroup("SIGTERM");
      timers.push(setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS));
    };
    const onAbort = () => {
      outcome.aborted = true;
      stop();
    };
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    timers.push(
      setTimeout(() => {
        outcome.timedOut = true;
        stop();
      }, timeoutMs),
    );
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => out.push(chunk));
    child.on("error", (err) => {
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener("abort", onAbort);
      settled = true;
      reject(err);
    });
    child.on("exit", (code, sig) => {
      outcome.code = code;
      outcome.signal = sig;
      // The command is over when the shell is: background leftovers are killed, not waited for.
      killGroup("SIGKILL");
      timers.push(
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, CLOSE_GRACE_MS),
      );
    });
    child.on("close", finish);
  });
}

function statusLine(o: Outcome, timeoutSeconds: number): string {
  if (o.timedOut) return `[timed out after ${timeoutSeconds} s; process group killed]`;
  if (o.aborted) return "[aborted; process group killed]";
  if (o.signal) return `[killed by signal ${o.signal}]`;
  return `[exit code ${o.code}]`;
}

export function createExecTool(policy: ToolPolicy["exec"] = {}) {
  const security = policy.security ?? "allowlist";
  if (!SECURITY_MODES.includes(security)) {
    throw new Error(`tools.exec.security must be one of ${SECURITY_MODES.join(", ")} (got ${JSON.stringify(security)})`);
  }
  const allowlist = new Set(policy.allowlist ?? DEFAULT_EXEC_ALLOWLIST);
  const defaultTimeout = policy.timeoutSeconds ?? EXEC_DEFAULT_TIMEOUT_SECONDS;
  const maxOutputBytes = policy.maxOutputBytes ?? EXEC_DEFAULT_MAX_OUTPUT_BYTES;
  if (!(defaultTimeout > 0)) throw new Error("tools.exec.timeoutSeconds must be a positive number");
  if (!(maxOutputBytes > 0)) throw new Error("tools.exec.maxOutputBytes must be a positive number");
  const rules =
    security === "full"
      ? "Any command may run."
      : security === "deny"
        ? "Disabled by configuration (tools.exec.security is deny)."
        : `Only these programs may run: ${[...allowlist].join(", ")}; no command substitution, no sudo, redirects stay in the workspace.`;

  return defineTool({
    name: "exec",
    description:
      `Run a shell command (/bin/sh -c) in the workspace. Output is stdout and stderr combined; the last ` +
      `${Math.round(maxOutputBytes / 1024)} KiB are kept. Default timeout ${defaultTimeout} s. ${rules}`,
    parameters: ExecParams,
    async run(args, ctx) {
      const cwdArg = args.cwd ?? ".";
      const cwd = await resolveInWorkspace(ctx.workspace, cwdArg);
      const stat = await fs.stat(cwd).catch((err: unknown) => {
        throw fsError(err, cwdArg);
      });
      if (!stat.isDirectory()) throw toolErrors.notADirectory(cwdArg);
      const refusal = await checkExecCommand(args.command, { security, allowlist, workspace: ctx.workspace, cwd });
      if (refusal) throw new ToolError(refusal);

      const timeoutSeconds = args.timeoutSeconds ?? defaultTimeout;
      const out = new TailBuffer(maxOutputBytes);
      const started = Date.now();
      const outcome = await run(args.command, cwd, ctx.workspace, timeoutSeconds * 1000, ctx.signal, out).catch((err: unknown) => {
        throw new ToolError(`exec failed to start: ${(err as Error).message}`);
      });
      const truncated = out.total > maxOutputBytes;
      const body = out.text();
      const parts = [
        truncated ? `[output truncated: showing the last ${out.cap} of ${out.total} bytes]` : "",
        body === "" ? "(no output)" : body.replace(/\n$/, ""),
        statusLine(outcome, timeoutSeconds),
      ];
      return {
        content: parts.filter((p) => p !== "").join("\n"),
        isError: outcome.code !== 0 || outcome.timedOut || outcome.aborted,
        details: {
          exitCode: outcome.code,
          signal: outcome.signal,
          timedOut: outcome.timedOut,
          aborted: outcome.aborted,
          truncated,
          outputBytes: out.total,
          durationMs: Date.now() - started,
        },
      };
    },
  });
}
