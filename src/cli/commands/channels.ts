// `openclaw channels status [--probe] [--json]` (RPC channels.status; a config-only summary when
// no gateway answers) and `openclaw channels list` (what the config declares, no gateway needed).
import type { Command } from "commander";
import type { ChannelAccountSnapshot } from "../../channels/types.js";
import type { ChannelStatusResult } from "../../channels/manager.js";
import { addConnectionOptions } from "../connection-options.js";
import { formatDuration, printJson, printLines, warnLine } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, GatewayCallError, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

export interface ChannelsFlags extends RpcFlags {
  json?: boolean;
  probe?: boolean;
}

interface ConfigAccount {
  channel: string;
  accountId: string;
  enabled: boolean;
  configured: boolean;
  dmPolicy: string;
  tokenSource?: string;
  problem?: string;
}

/** What the config declares, without a gateway (and without loading any channel client). */
export async function configChannels(config: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<ConfigAccount[]> {
  const channels = (config.channels ?? {}) as Record<string, Record<string, unknown>>;
  const out: ConfigAccount[] = [];
  for (const [id, section] of Object.entries(channels)) {
    if (id === "defaults" || id === "modelByChannel" || !section || typeof section !== "object") continue;
    if (id !== "telegram") {
      out.push({ channel: id, accountId: "default", enabled: section.enabled !== false, configured: false, dmPolicy: String(section.dmPolicy ?? "pairing"), problem: "no plugin for this channel in this build" });
      continue;
    }
    const { telegramPlugin } = await import("../../channels/telegram/plugin.js");
    for (const accountId of telegramPlugin.listAccounts(section)) {
      const s = telegramPlugin.resolveAccount(section, accountId);
      const c = telegramPlugin.configured(s, env);
      out.push({
        channel: id,
        accountId,
        enabled: s.enabled,
        configured: c.ok,
        dmPolicy: s.dmPolicy,
        ...(c.tokenSource ? { tokenSource: c.tokenSource } : {}),
        ...(c.reason ? { problem: c.reason } : {}),
      });
    }
  }
  return out;
}

function renderAccount(label: string, a: ChannelAccountSnapshot, now: number): string {
  const state = a.enabled === false ? "disabled" : a.configured === false ? "not configured" : a.connected ? "connected" : a.running ? String(a.healthState ?? "starting") : String(a.healthState ?? "stopped");
  const bits = [`${label} ${a.accountId}: ${state}`];
  const bot = (a.probe as { bot?: { username?: string; name?: string } } | undefined)?.bot ?? (a.bot as { username?: string; name?: string } | undefined);
  if (bot?.username) bits.push(`bot @${bot.username}${bot.name ? ` (${bot.name})` : ""}`);
  if (a.mode) bits.push(`mode ${a.mode}`);
  if (a.dmPolicy) bits.push(`dm ${a.dmPolicy}`);
  const probe = a.probe as { ok?: boolean; error?: string; elapsedMs?: number } | undefined;
  if (probe) bits.push(probe.ok ? `probe ok (${probe.elapsedMs}ms)` : `probe failed: ${probe.error}`);
  if (typeof a.lastInboundAt === "number") bits.push(`last in ${formatDuration(now - a.lastInboundAt)} ago`);
  if (a.reconnectAttempts) bits.push(`reconnects ${a.reconnectAttempts}`);
  if (a.lastError) bits.push(`error: ${a.lastError}`);
  return bits.join(" · ");
}

export function renderStatus(status: ChannelStatusResult, now = Date.now()): string[] {
  if (status.channelOrder.length === 0) return ["No channels configured (add a channels.<id> section, e.g. channels.telegram)."];
  const lines: string[] = [];
  for (const id of status.channelOrder) {
    const label = status.channelLabels[id] ?? id;
    const accounts = status.channelAccounts[id] ?? [];
    if (accounts.length === 0) lines.push(`${label}: ${String((status.channels[id] as { lastError?: string } | undefined)?.lastError ?? "no accounts")}`);
    for (const a of accounts) lines.push(renderAccount(label, a, now));
  }
  return lines;
}

function renderConfigOnly(accounts: ConfigAccount[]): string[] {
  if (accounts.length === 0) return ["No channels configured (add a channels.<id> section, e.g. channels.telegram)."];
  return accounts.map((a) => {
    const state = !a.enabled ? "disabled" : a.configured ? "configured" : `not configured (${a.problem})`;
    return `${a.channel} ${a.accountId}: ${state} · dm ${a.dmPolicy}${a.tokenSource && a.tokenSource !== "none" ? ` · token from ${a.tokenSource}` : ""}`;
  });
}

export async function runChannelsStatus(flags: ChannelsFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const prepared = await prepareGatewayTarget(flags, env, { readConfig: true });
  try {
    const { payload } = await callGateway<ChannelStatusResult>(prepared.target, "channels.status", flags.probe ? { probe: true, timeoutMs: prepared.target.timeoutMs } : {});
    if (flags.json) printJson(payload);
    else printLines(renderStatus(payload));
    return 0;
  } catch (err) {
    if (!(err instanceof GatewayCallError) || err.kind === "rpc" || err.kind === "rejected") throw err;
    const accounts = await configChannels((prepared.tree?.resolved ?? {}) as Record<string, unknown>, env);
    if (flags.json) printJson({ gateway: { reachable: false, error: err.reason }, configOnly: true, accounts });
    else {
      warnLine(`Gateway not reachable (${err.reason}); showing the config only.`);
      printLines(renderConfigOnly(accounts));
    }
    return 0;
  }
}

export async function runChannelsList(flags: { json?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const prepared = await prepareGatewayTarget({}, env, { readConfig: true });
  const accounts = await configChannels((prepared.tree?.resolved ?? {}) as Record<string, unknown>, env);
  if (flags.json) printJson({ accounts });
  else printLines(renderConfigOnly(accounts));
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  const channels = program.command("channels").description("chat channels (Telegram): status, accounts");
  addConnectionOptions(
    channels
      .command("status")
      .description("channel accounts as the running gateway sees them (config only when it does not answer)")
      .option("--probe", "ask each account's chat service now (e.g. Telegram getMe)")
      .option("--json", "print JSON"),
  ).action(async (flags: ChannelsFlags) => setExit(await runChannelsStatus(flags)));
  channels
    .command("list")
    .description("channel accounts declared in the config")
    .option("--json", "print JSON")
    .action(async (flags: { json?: boolean }) => setExit(await runChannelsList(flags)));
}
