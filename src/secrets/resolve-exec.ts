// The `exec` source: runs the provider's command (never through a shell) with a minimal
// environment, writes `{"protocolVersion":1,"provider","ids"}` to its stdin and reads
// `{"protocolVersion":1,"values":{..},"errors"?:{..}}` from its stdout (spec 5.4), under a
// whole-run timeout, a no-output timeout and an output cap. One run answers every id of the batch.
import { spawn } from "node:child_process";
import { checkExecCommand } from "./path-checks.js";
import { cleanValue, type BatchResolver, type IdOutcome, type ProviderConfigOf } from "./provider-types.js";

export const EXEC_PROTOCOL_VERSION = 1;
export const DEFAULT_EXEC_TIMEOUT_MS = 5000;
export const DEFAULT_EXEC_MAX_OUTPUT_BYTES = 1024 * 1024;
const MAX_ERROR_MESSAGE = 200;

interface RunResult {
  stdout: string;
}

function childEnv(provider: ProviderConfigOf<"exec">, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const name of provider.passEnv ?? []) if (env[name] !== undefined) out[name] = env[name];
  return { ...out, ...(provider.env ?? {}) };
}

function run(command: string, provider: ProviderConfigOf<"exec">, input: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<RunResult> {
  const timeoutMs = provider.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const idleMs = provider.noOutputTimeoutMs ?? timeoutMs;
  const maxBytes = provider.maxOutputBytes ?? DEFAULT_EXEC_MAX_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    const child = spawn(command, provider.args ?? [], { shell: false, env: childEnv(provider, env), stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let bytes = 0;
    let failure: string | null = null;
    const fail = (why: string) => {
      if (failure) return;
      failure = why;
      child.kill("SIGKILL");
    };
    const overall = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
    let idle = setTimeout(() => fail(`produced no output for ${idleMs} ms`), idleMs);
    const onOutput = (chunk: Buffer, keep: boolean) => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(`produced no output for ${idleMs} ms`), idleMs);
      bytes += chunk.length;
      if (bytes > maxBytes) return fail(`output exceeded maxOutputBytes (${maxBytes})`);
      if (keep) stdout.push(chunk);
    };
    const onAbort = () => fail("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (c: Buffer) => onOutput(c, true));
    // stderr counts toward the cap and keeps the run alive, but is never reported: it may echo secrets.
    child.stderr.on("data", (c: Buffer) => onOutput(c, false));
    child.stdin.on("error", () => {}); // a resolver that exits without reading stdin
    child.on("error", (err: NodeJS.ErrnoException) => fail(`could not start (${err.code ?? err.message})`));
    child.on("close", (code, sig) => {
      clearTimeout(overall);
      clearTimeout(idle);
      signal?.removeEventListener("abort", onAbort);
      if (failure) return reject(new Error(failure));
      if (code !== 0) return reject(new Error(code === null ? `was killed by ${sig}` : `exited with code ${code}`));
      resolve({ stdout: Buffer.concat(stdout).toString("utf8") });
    });
    child.stdin.end(input);
  });
}

function parseResponse(stdout: string): { values: Record<string, unknown>; errors: Record<string, unknown> } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return null;
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return null;
  const d = doc as Record<string, unknown>;
  if (d.protocolVersion !== EXEC_PROTOCOL_VERSION) throw new Error(`answered with protocolVersion ${JSON.stringify(d.protocolVersion ?? null)}, expected ${EXEC_PROTOCOL_VERSION}`);
  const values = d.values && typeof d.values === "object" && !Array.isArray(d.values) ? (d.values as Record<string, unknown>) : null;
  if (!values) throw new Error('answer has no "values" object');
  const errors = d.errors && typeof d.errors === "object" ? (d.errors as Record<string, unknown>) : {};
  return { values, errors };
}

function errorMessage(entry: unknown): string | undefined {
  const message = entry && typeof entry === "object" ? (entry as { message?: unknown }).message : undefined;
  return typeof message === "string" && message ? message.slice(0, MAX_ERROR_MESSAGE) : undefined;
}

export const resolveExecBatch: BatchResolver<"exec"> = async (ids, provider, ctx) => {
  const command = await checkExecCommand(provider.command, {
    ...(provider.allowSymlinkCommand !== undefined ? { allowSymlinkCommand: provider.allowSymlinkCommand } : {}),
    ...(provider.trustedDirs ? { trustedDirs: provider.trustedDirs } : {}),
    ...(provider.allowInsecurePath !== undefined ? { allowInsecurePath: provider.allowInsecurePath } : {}),
  });
  const request = JSON.stringify({ protocolVersion: EXEC_PROTOCOL_VERSION, provider: ctx.alias, ids });
  const { stdout } = await run(command, provider, request, ctx.env, ctx.signal);
  const out = new Map<string, IdOutcome>();
  const answer = parseResponse(stdout);
  if (!answer) {
    // jsonOnly:false lets a plain tool (`op read ...`) answer a single id with its raw output.
    if (provider.jsonOnly === false && ids.length === 1) {
      const value = cleanValue(stdout).trim();
      out.set(ids[0]!, value ? { ok: true, value } : { ok: false, reason: "resolver printed nothing" });
      return out;
    }
    throw new Error("answered with output that is not a JSON object");
  }
  for (const id of ids) {
    const value = answer.values[id];
    if (typeof value === "string" && value !== "") out.set(id, { ok: true, value });
    else {
      const message = errorMessage(answer.errors[id]);
      out.set(id, {
        ok: false,
        reason: message ? `resolver error: ${message}` : value === undefined ? "resolver returned no value" : "resolver returned a value that is not a non-empty string",
      });
    }
  }
  return out;
};
