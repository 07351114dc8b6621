// `openclaw status`: where this CLI looks (config, state dir) and what the running gateway
// reports through RPC `status`.
import type { Command } from "commander";
import { resolveStateDir } from "../../config/paths.js";
import type { HelloOk } from "../../protocol/frames.js";
import { addConnectionOptions } from "../connection-options.js";
import { formatDuration, plural, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

export interface StatusFlags extends RpcFlags {
  json?: boolean;
}

type Dict = Record<string, unknown>;

function asDict(value: unknown): Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Dict) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export interface LocalSummary {
  configPath: string;
  stateDir: string;
  url: string;
}

/** Human lines for a StatusSummary plus the hello snapshot (tolerant of missing fields). */
export function renderStatus(local: LocalSummary, summary: unknown, hello: Pick<HelloOk, "protocol" | "server" | "snapshot">): string[] {
  const status = asDict(summary);
  const snap = hello.snapshot;
  const version = typeof status.runtimeVersion === "string" ? status.runtimeVersion : hello.server.version;
  const lines = [
    `Gateway: ${local.url} (reachable, version ${version}, protocol ${hello.protocol}, uptime ${formatDuration(snap.uptimeMs)})`,
  ];
  const remoteConfig = snap.configPath && snap.configPath !== local.configPath ? ` (gateway uses ${snap.configPath})` : "";
  lines.push(`Config: ${local.configPath}${remoteConfig}`);
  const remoteState = snap.stateDir && snap.stateDir !== local.stateDir ? ` (gateway uses ${snap.stateDir})` : "";
  lines.push(`State dir: ${local.stateDir}${remoteState}`);
  if (snap.authMode) lines.push(`Auth: ${snap.authMode}`);
  const heartbeat = asDict(status.heartbeat);
  const agents = Array.isArray(heartbeat.agents) ? heartbeat.agents : [];
  const defaultAgent = typeof heartbeat.defaultAgentId === "string" ? ` (default: ${heartbeat.defaultAgentId})` : "";
  lines.push(`Agents: ${agents.length}${defaultAgent}`);
  const sessions = asDict(status.sessions);
  if (typeof sessions.count === "number") {
    const defaults = asDict(sessions.defaults);
    const model = typeof defaults.model === "string" ? `, default model ${defaults.model}` : "";
    lines.push(`Sessions: ${sessions.count}${model}`);
  }
  const channels = strings(status.channelSummary);
  lines.push(channels.length ? `Channels: ${channels.join("; ")}` : "Channels: none");
  const queued = strings(status.queuedSystemEvents);
  if (queued.length) lines.push(`Queued system events: ${plural(queued.length, "event")}`);
  return lines;
}

export async function runStatus(flags: StatusFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { target, configPath } = await prepareGatewayTarget(flags, env);
  const local: LocalSummary = { configPath, stateDir: resolveStateDir(env), url: target.url };
  let result;
  try {
    result = await callGateway(target, "status", {});
  } catch (err) {
    // The local half is still worth showing; the failure line follows on stderr.
    if (!flags.json) printLines([`Config: ${local.configPath}`, `State dir: ${local.stateDir}`]);
    throw err;
  }
  const { payload, hello } = result;
  if (flags.json) {
    printJson({
      local,
      gateway: { url: target.url, version: hello.server.version, protocol: hello.protocol, uptimeMs: hello.snapshot.uptimeMs },
      status: payload,
    });
  } else printLines(renderStatus(local, payload, hello));
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  addConnectionOptions(
    program.command("status").description("show local paths and the running gateway's status").option("--json", "print JSON"),
  ).action(async (flags: StatusFlags) => setExit(await runStatus(flags)));
}
