// `openclaw sessions list`: the gateway's sessions (RPC sessions.list).
import type { Command } from "commander";
import { addConnectionOptions } from "../connection-options.js";
import { formatDuration, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

interface Row {
  key: string;
  updatedAt?: number | null;
  totalTokens?: number;
  model?: string;
  status?: string;
  label?: string;
}

export async function runSessionsList(flags: RpcFlags & { json?: boolean; agent?: string; limit?: string }, env = process.env): Promise<number> {
  const { target } = await prepareGatewayTarget(flags, env);
  const params: Record<string, unknown> = {};
  if (flags.agent) params.agentId = flags.agent;
  if (flags.limit) params.limit = Number(flags.limit);
  const { payload } = await callGateway<{ count: number; sessions: Row[] }>(target, "sessions.list", params);
  if (flags.json) {
    printJson(payload);
    return 0;
  }
  const now = Date.now();
  const lines = payload.sessions.map((s) => {
    const age = typeof s.updatedAt === "number" ? `${formatDuration(now - s.updatedAt)} ago` : "never";
    const extra = [s.label, s.model, s.totalTokens ? `${s.totalTokens} tokens` : undefined, s.status].filter(Boolean).join(", ");
    return `${s.key}  ${age}${extra ? `  (${extra})` : ""}`;
  });
  printLines(lines.length ? [`Sessions: ${payload.count}`, ...lines] : ["No sessions yet."]);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  const sessions = program.command("sessions").description("list the gateway's sessions");
  addConnectionOptions(
    sessions
      .command("list")
      .description("list sessions, most recent first")
      .option("--json", "print JSON")
      .option("--agent <id>", "only this agent's sessions")
      .option("--limit <n>", "at most n sessions"),
  ).action(async (flags) => setExit(await runSessionsList(flags)));
}
