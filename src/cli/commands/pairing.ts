// `openclaw pairing list [channel]` and `openclaw pairing approve <channel> <code>`: channel DM
// pairing through the gateway (channels.pairing.list / channels.pairing.approve).
import type { Command } from "commander";
import type { ChannelPairingRequestSummary } from "../../protocol/methods-channels.js";
import { CliError } from "../cli-error.js";
import { addConnectionOptions } from "../connection-options.js";
import { formatDuration, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, GatewayCallError, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

export interface PairingFlags extends RpcFlags {
  json?: boolean;
}

async function call<T>(flags: PairingFlags, method: string, params: unknown, env: NodeJS.ProcessEnv): Promise<T> {
  const { target } = await prepareGatewayTarget(flags, env);
  try {
    return (await callGateway<T>(target, method, params)).payload;
  } catch (err) {
    if (err instanceof GatewayCallError && err.kind === "rpc" && err.shape) throw new CliError(err.shape.message);
    throw err;
  }
}

export function renderRequests(requests: ChannelPairingRequestSummary[], now = Date.now()): string[] {
  if (requests.length === 0) return ["No pending channel pairing requests."];
  return [
    `Pending (${requests.length}), approve with: openclaw pairing approve <channel> <code>`,
    ...requests.map((r) => `  ${r.channel} ${r.code}  from ${r.senderName ? `${r.senderName} ` : ""}(id ${r.senderId}) account ${r.accountId}  expires in ${formatDuration(Math.max(0, r.expiresAtMs - now))}`),
  ];
}

export async function runPairingList(channel: string | undefined, flags: PairingFlags, env = process.env): Promise<number> {
  const r = await call<{ requests: ChannelPairingRequestSummary[] }>(flags, "channels.pairing.list", channel ? { channel } : {}, env);
  if (flags.json) printJson(r);
  else printLines(renderRequests(r.requests));
  return 0;
}

export async function runPairingApprove(channel: string, code: string, flags: PairingFlags, env = process.env): Promise<number> {
  const r = await call<{ ok: true; approved: ChannelPairingRequestSummary }>(flags, "channels.pairing.approve", { channel, code }, env);
  if (flags.json) printJson(r);
  else printLines([`Approved ${r.approved.channel} sender ${r.approved.senderName ? `${r.approved.senderName} ` : ""}(id ${r.approved.senderId}); their messages now reach the agent.`]);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  const pairing = program.command("pairing").description("approve chat senders who asked to talk to the agent (DM pairing)");
  addConnectionOptions(pairing.command("list").description("pending pairing requests").argument("[channel]", "only this channel (e.g. telegram)").option("--json", "print JSON"))
    .action(async (channel: string | undefined, flags: PairingFlags) => setExit(await runPairingList(channel, flags)));
  addConnectionOptions(
    pairing.command("approve").description("approve a pairing code").argument("<channel>", "channel id, e.g. telegram").argument("<code>", "the code the sender received").option("--json", "print JSON"),
  ).action(async (channel: string, code: string, flags: PairingFlags) => setExit(await runPairingApprove(channel, code, flags)));
}
