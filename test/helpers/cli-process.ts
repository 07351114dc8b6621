// Runs the built `openclaw` CLI as a real child process and watches its output.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, localConfig, makeTempState, type TempState } from "./temp-state.js";

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/openclaw.mjs");

export interface CliProcess {
  proc: ChildProcess;
  output(): string;
  stdout(): string;
  stderr(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** `nodeArgs` go before the script (e.g. `--import` a preload). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): CliProcess {
  const proc = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  proc.stdout!.on("data", (d) => {
    out += d;
    listeners.forEach((l) => l());
  });
  proc.stderr!.on("data", (d) => {
    err += d;
    listeners.forEach((l) => l());
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => {
      listeners.forEach((l) => l());
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    output: () => out + err,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out + err);
          if (m) {
            listeners.delete(check);
            clearTimeout(t);
            resolve(m[0]);
          } else if (proc.exitCode !== null) {
            listeners.delete(check);
            clearTimeout(t);
            reject(new Error(`process exited (${proc.exitCode}) before ${pattern}; output:\n${out}${err}`));
          }
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output:\n${out}${err}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    kill(signal = "SIGTERM") {
      proc.kill(signal);
    },
  };
}

/** Runs a CLI command to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 15_000) {
  const p = spawnCli(args, env);
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr(), output: p.output() };
}

/** A `gateway` child process on a fresh temp state and port, for a test file's beforeAll/afterAll. */
export interface GatewayChild {
  state: TempState;
  port: number;
  gateway: CliProcess;
  /** Kills the gateway if it still runs and removes the state. */
  stop(): Promise<void>;
}

export async function startGatewayChild(nodeArgs: string[] = []): Promise<GatewayChild> {
  const port = await freePort();
  const state = await makeTempState(localConfig({}, { port }));
  const gateway = spawnCli(["gateway"], state.env, nodeArgs);
  await gateway.waitFor(/listening on/);
  return {
    state,
    port,
    gateway,
    async stop() {
      if (gateway.proc.exitCode === null) {
        gateway.kill("SIGKILL");
        await gateway.exited;
      }
      await state.cleanup();
    },
  };
}
