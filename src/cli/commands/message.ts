// `openclaw message send --channel <id> --to <chat> --message <text>`: RPC `send`, idempotent by
// key (`--idempotency-key`, else a fresh one), so a retried command never posts twice.
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import type { SendResult } from "../../protocol/methods-channels.js";
import { usageError } from "../cli-error.js";
import { addConnectionOptions } from "../connection-options.js";
import { plural, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

export interface MessageSendFlags extends RpcFlags {
  channel?: string;
  to?: string;
  message?: string;
  account?: string;
  replyTo?: string;
  idempotencyKey?: string;
  json?: boolean;
}

export async function runMessageSend(flags: MessageSendFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!flags.to) throw usageError("message send needs --to <chat id>");
  if (!flags.message?.trim()) throw usageError("message send needs --message <text>");
  const { target } = await prepareGatewayTarget(flags, env);
  const params = {
    to: flags.to,
    message: flags.message,
    ...(flags.channel ? { channel: flags.channel } : {}),
    ...(flags.account ? { accountId: flags.account } : {}),
    ...(flags.replyTo ? { replyTo: flags.replyTo } : {}),
    idempotencyKey: flags.idempotencyKey ?? randomUUID(),
  };
  const { payload } = await callGateway<SendResult>(target, "send", params);
  if (flags.json) printJson(payload);
  else printLines([`Sent to ${payload.channel} ${payload.chatId} (message ${payload.messageId}, ${plural(payload.chunks, "part")}).`]);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  const message = program.command("message").description("send messages through the gateway's channels");
  addConnectionOptions(
    message
      .command("send")
      .description("send a text message to a chat")
      .option("--channel <id>", "channel id (default: the first configured, e.g. telegram)")
      .option("--to <chat>", "chat id to send to")
      .option("--message <text>", "the text (Markdown; long texts are split)")
      .option("--account <id>", "channel account id (default: the channel's default account)")
      .option("--reply-to <messageId>", "thread the message as a reply")
      .option("--idempotency-key <key>", "the same key delivers once")
      .option("--json", "print JSON"),
  ).action(async (flags: MessageSendFlags) => setExit(await runMessageSend(flags)));
}
