// `openclaw logs`: tails the gateway's file log through RPC `logs.tail` with a cursor. With
// --follow it keeps polling and rides out gateway restarts; when no local gateway answers it
// reads the log file directly instead.
import type { LogsTailResult } from "../../protocol/methods.js";
import type { Command } from "commander";
import { access } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { GatewayClient } from "../../client/gateway-client.js";
import { addConnectionOptions } from "../connection-options.js";
import { CliError } from "../cli-error.js";
import { warnLine } from "../format.js";
import { resolveCliLogFile } from "../log-file.js";
import { parseIntFlag } from "../options.js";
import type { SetExitCode } from "../program.js";
import { GatewayCallError, connectGateway, describeGatewayFailure, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

export interface LogsFlags extends RpcFlags {
  follow?: boolean;
  limit?: string;
  maxBytes?: string;
  interval?: string;
  json?: boolean;
  plain?: boolean;
  color?: boolean;
  localTime?: boolean;
}

/** What `logs.tail` and the local tailer both return. */
export type TailChunk = LogsTailResult;

export const LOGS_DEFAULT_TIMEOUT_MS = 30_000;
const RETRY_MAX_MS = 10_000;

/** True when a failure means "no gateway here right now" rather than a real refusal. */
export function isTransientFailure(err: GatewayCallError): boolean {
  if (err.kind === "unreachable" || err.kind === "timeout" || err.kind === "closed") return true;
  return err.kind === "rpc" && (err.shape?.retryable === true || err.shape?.code === "UNAVAILABLE");
}

/** Whether to read the local file instead: nothing answered, or the loopback gateway wants pairing. */
export function shouldFallBackToFile(err: GatewayCallError): boolean {
  if (err.kind === "unreachable" || err.kind === "timeout" || err.kind === "closed") return true;
  const details = err.shape?.details as { code?: unknown } | undefined;
  return err.kind === "rejected" && (err.shape?.code === "NOT_PAIRED" || details?.code === "PAIRING_REQUIRED");
}

type Printer = (line: string) => void;

async function makePrinter(flags: LogsFlags): Promise<Printer> {
  if (flags.json) return (line) => process.stdout.write(`${line}\n`);
  const [{ parseLogLine }, { formatLogLine }] = await Promise.all([
    import("../../logging/parse-log-line.js"),
    import("../../logging/format-log-line.js"),
  ]);
  const style = flags.plain ? "plain" : "pretty";
  const color = style === "pretty" && flags.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const localTime = flags.localTime ?? false;
  return (line) => {
    const parsed = parseLogLine(line);
    process.stdout.write(`${parsed ? formatLogLine(parsed, { style, color, localTime }) : line}\n`);
  };
}

async function readLocal(file: string, cursor: number | undefined, limit: number, maxBytes: number): Promise<TailChunk> {
  const { tailLogFile } = await import("../../logging/tail.js");
  // A missing file reads as empty, so following a file that does not exist yet just waits.
  return tailLogFile({ file, limit, maxBytes, ...(cursor !== undefined ? { cursor } : {}) });
}

async function fileExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

// Ctrl-C must not wait for a pending connect or poll (up to --timeout) to settle.
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export async function runLogs(flags: LogsFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const limit = parseIntFlag("--limit", flags.limit, 200, { min: 1, max: 5000 });
  const maxBytes = parseIntFlag("--max-bytes", flags.maxBytes, 250_000, { min: 1, max: 1_000_000 });
  const intervalMs = parseIntFlag("--interval", flags.interval, 1000, { min: 10 });
  const { target, tree } = await prepareGatewayTarget(flags, env, { defaultTimeoutMs: LOGS_DEFAULT_TIMEOUT_MS });
  const print = await makePrinter(flags);
  let cursor: number | undefined;
  const emit = (chunk: TailChunk) => {
    if (chunk.reset && cursor !== undefined) warnLine(`log file was truncated or replaced; reading ${chunk.file} from the start`);
    for (const line of chunk.lines) print(line);
    cursor = chunk.cursor;
  };
  const params = () => ({ limit, maxBytes, ...(cursor !== undefined ? { cursor } : {}) });

  // First read: decides between the gateway and the local file.
  let client: GatewayClient | undefined;
  let localFile: string | undefined;
  try {
    client = await connectGateway(target);
    emit(await client.request<TailChunk>("logs.tail", params(), { timeoutMs: target.timeoutMs }));
  } catch (err) {
    await client?.close();
    client = undefined;
    const failure = describeGatewayFailure(err, { method: "logs.tail", target });
    if (target.explicitUrl || !shouldFallBackToFile(failure)) throw failure;
    localFile = resolveCliLogFile(tree?.resolved ?? {});
    warnLine(`gateway not available (${failure.reason}); reading the local log file ${localFile}`);
    if (!flags.follow && !(await fileExists(localFile))) throw new CliError(`no log file at ${localFile} either`);
    emit(await readLocal(localFile, undefined, limit, maxBytes));
  }
  if (!flags.follow) {
    await client?.close();
    return 0;
  }

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let backoffMs = intervalMs;
  let outage = false;
  try {
    for (;;) {
      await sleep(outage ? backoffMs : intervalMs, undefined, { signal: stop.signal });
      if (localFile !== undefined) {
        emit(await readLocal(localFile, cursor, limit, maxBytes));
        continue;
      }
      try {
        client ??= await untilAborted(connectGateway(target), stop.signal);
        const chunk = await untilAborted(
          client.request<TailChunk>("logs.tail", params(), { timeoutMs: target.timeoutMs }),
          stop.signal,
        );
        outage = false;
        backoffMs = intervalMs;
        emit(chunk);
      } catch (err) {
        if (stop.signal.aborted) throw err;
        const failure = describeGatewayFailure(err, { method: "logs.tail", target });
        if (!isTransientFailure(failure)) throw failure;
        await client?.close();
        client = undefined;
        if (!outage) warnLine("gateway unreachable; retrying…");
        else backoffMs = Math.min(backoffMs * 2, RETRY_MAX_MS);
        outage = true;
      }
    }
  } catch (err) {
    if (!stop.signal.aborted) throw err;
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await client?.close();
  }
}

export function register(program: Command, setExit: SetExitCode): void {
  addConnectionOptions(
    program
      .command("logs")
      .description("show the gateway's file log (via RPC logs.tail; the local file when no gateway answers)")
      .option("--follow", "keep printing new lines until interrupted")
      .option("--limit <n>", "lines to show first (1-5000)", "200")
      .option("--max-bytes <n>", "bytes to read per poll (1-1000000)", "250000")
      .option("--interval <ms>", "poll interval with --follow", "1000")
      .option("--json", "print the raw JSON log lines")
      .option("--plain", "plain text without alignment or colour")
      .option("--no-color", "disable colour")
      .option("--local-time", "show times in the local time zone"),
    LOGS_DEFAULT_TIMEOUT_MS,
  ).action(async (flags: LogsFlags) => setExit(await runLogs(flags)));
}
