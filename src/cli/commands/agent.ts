// `openclaw agent --message <text>`: sends one turn through the gateway's `agent` method and
// streams the reply to the terminal as it is generated; exits non-zero when the run fails or is
// aborted (timeout, /stop from elsewhere), since the reply is then partial.
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import type { EventFrame } from "../../protocol/frames.js";
import { addConnectionOptions } from "../connection-options.js";
import { printJson } from "../format.js";
import type { SetExitCode } from "../program.js";
import { connectGateway, describeGatewayFailure, prepareGatewayTarget, type RpcFlags } from "../rpc.js";
import { CliError, EXIT_FAILURE } from "../cli-error.js";

export interface AgentFlags extends RpcFlags {
  message?: string;
  agent?: string;
  sessionKey?: string;
  json?: boolean;
}

interface FinalPayload {
  runId: string;
  status: string;
  result?: { payloads?: { text?: string }[]; meta?: Record<string, unknown> };
}

export async function runAgent(flags: AgentFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!flags.message?.trim()) throw new CliError("openclaw agent: --message <text> is required", 2);
  const { target } = await prepareGatewayTarget({ ...flags, timeout: flags.timeout ?? "600000" }, env);
  const runId = randomUUID();
  const client = await connectGateway(target, Math.min(target.timeoutMs, 10_000));
  let streamed = "";
  const onEvent = (ev: EventFrame) => {
    const p = ev.payload as { runId?: string; stream?: string; data?: { delta?: string } } | undefined;
    if (flags.json || ev.event !== "agent" || p?.runId !== runId || p.stream !== "assistant") return;
    const delta = p.data?.delta ?? "";
    streamed += delta;
    process.stdout.write(delta);
  };
  client.onEvent(onEvent);
  let final: FinalPayload;
  try {
    const params: Record<string, unknown> = { message: flags.message, idempotencyKey: runId };
    if (flags.agent) params.agentId = flags.agent;
    if (flags.sessionKey) params.sessionKey = flags.sessionKey;
    final = await client.request<FinalPayload>("agent", params, { expectFinal: true, timeoutMs: target.timeoutMs });
    if (flags.json) printJson(final);
    else {
      const text = (final.result?.payloads ?? []).map((p) => p.text ?? "").join("\n\n");
      if (!streamed && text) process.stdout.write(text);
      process.stdout.write("\n");
    }
  } catch (err) {
    if (streamed) process.stdout.write("\n");
    const failure = describeGatewayFailure(err, { method: "agent", target });
    throw new CliError(failure.kind === "rpc" ? `agent run failed: ${failure.shape?.message ?? failure.reason}` : failure.message, EXIT_FAILURE);
  } finally {
    await client.close();
  }
  if (final.result?.meta?.aborted === true) throw new CliError("agent run aborted before it finished; the reply is partial", EXIT_FAILURE);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  addConnectionOptions(
    program
      .command("agent")
      .description("send a message to an agent and stream its reply")
      .option("-m, --message <text>", "the message to send")
      .option("--agent <id>", "agent id (default: the default agent)")
      .option("--session-key <key>", "session key (default: the agent's main session)")
      .option("--json", "print the final result as JSON instead of streaming text"),
  ).action(async (flags: AgentFlags) => setExit(await runAgent(flags)));
}
