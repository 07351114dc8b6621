// `openclaw health`: RPC `health` (a fresh probe with --verbose) and a short summary of it.
import type { Command } from "commander";
import { addConnectionOptions } from "../connection-options.js";
import { formatDuration, plural, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

export interface HealthFlags extends RpcFlags {
  json?: boolean;
  verbose?: boolean;
  debug?: boolean;
}

type Dict = Record<string, unknown>;

function asDict(value: unknown): Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Dict) : {};
}

function count(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  const n = asDict(value).count;
  return typeof n === "number" ? n : undefined;
}

/** Human lines for a HealthSummary (tolerant of missing fields). */
export function renderHealth(summary: unknown, elapsedMs: number): string[] {
  const health = asDict(summary);
  const lines = [`Gateway: ${health.ok === false ? "not ok" : "ok"} (${elapsedMs}ms)`];
  const agents = Array.isArray(health.agents) ? health.agents.map(asDict) : [];
  const defaultAgent = typeof health.defaultAgentId === "string" ? health.defaultAgentId : agents.find((a) => a.isDefault)?.agentId;
  lines.push(`Agents: ${agents.length}${typeof defaultAgent === "string" ? ` (default: ${defaultAgent})` : ""}`);
  for (const agent of agents) {
    const n = count(agent.sessions);
    const name = typeof agent.name === "string" && agent.name !== agent.agentId ? ` "${agent.name}"` : "";
    lines.push(`  ${String(agent.agentId)}${name}${n === undefined ? "" : `: ${plural(n, "session")}`}`);
  }
  const sessions = asDict(health.sessions);
  const total = count(sessions);
  if (total !== undefined) {
    const recent = Array.isArray(sessions.recent) ? sessions.recent.map(asDict)[0] : undefined;
    const last = typeof recent?.age === "number" ? `, last active ${formatDuration(recent.age)} ago` : "";
    lines.push(`Sessions: ${total}${last}`);
  }
  const channels = asDict(health.channels);
  const order = Array.isArray(health.channelOrder) ? health.channelOrder.map(String) : Object.keys(channels);
  const labels = asDict(health.channelLabels);
  if (order.length === 0) lines.push("Channels: none");
  else {
    lines.push("Channels:");
    for (const id of order) {
      const ch = asDict(channels[id]);
      const state = ch.linked === true ? "linked" : ch.configured === true ? "configured" : "not configured";
      lines.push(`  ${typeof labels[id] === "string" ? labels[id] : id}: ${state}`);
    }
  }
  return lines;
}

export async function runHealth(flags: HealthFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { target } = await prepareGatewayTarget(flags, env);
  const probe = flags.verbose === true || flags.debug === true;
  const { payload, elapsedMs } = await callGateway(target, "health", probe ? { probe: true } : {});
  if (flags.json) printJson(payload);
  else printLines(renderHealth(payload, elapsedMs));
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  addConnectionOptions(
    program
      .command("health")
      .description("ask the running gateway for its health summary")
      .option("--json", "print JSON")
      .option("--verbose", "force a fresh health probe instead of the cached summary")
      .addOption(program.createOption("--debug", "same as --verbose").hideHelp()),
  ).action(async (flags: HealthFlags) => setExit(await runHealth(flags)));
}
