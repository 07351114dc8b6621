// `openclaw devices list|approve|reject|remove|rotate|revoke`: device pairing over the
// device.pair.* and device.token.* methods. Device ids may be given as a unique prefix.
import type { Command } from "commander";
import type { GatewayClient } from "../../client/gateway-client.js";
import type {
  DevicePairApproveResult,
  DevicePairListResult,
  DevicePairRejectResult,
  DevicePairRemoveResult,
  DeviceTokenRevokeResult,
  DeviceTokenRotateResult,
  PairedDeviceSummary,
  PairingRequestEvent,
} from "../../protocol/methods-devices.js";
import { CliError } from "../cli-error.js";
import { addConnectionOptions } from "../connection-options.js";
import { formatDuration, plural, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { connectGateway, describeGatewayFailure, GatewayCallError, prepareGatewayTarget, type RpcFlags, type RpcTarget } from "../rpc.js";

export interface DevicesFlags extends RpcFlags {
  json?: boolean;
  role?: string;
}

export type DevicesAction = "list" | "approve" | "reject" | "remove" | "rotate" | "revoke";
const METHODS: Record<DevicesAction, string> = {
  list: "device.pair.list",
  approve: "device.pair.approve",
  reject: "device.pair.reject",
  remove: "device.pair.remove",
  rotate: "device.token.rotate",
  revoke: "device.token.revoke",
};
const FULL_ID = /^[0-9a-f]{64}$/;
const MIN_PREFIX = 4;

export const shortId = (id: string): string => id.slice(0, 12);
const scopeList = (scopes: readonly string[]) => (scopes.length ? scopes.map((s) => s.replace(/^operator\./, "")).join(",") : "none");

/** One line per pending request. */
export function renderRequest(r: PairingRequestEvent, now: number): string {
  const what = [r.displayName, r.clientId, [r.platform, r.deviceFamily].filter(Boolean).join("/")].filter(Boolean).join(" ");
  const left = Math.max(0, r.expiresAtMs - now);
  return `${r.requestId}  ${what}  device ${shortId(r.deviceId)}  role=${r.role} scopes=${scopeList(r.scopes)}  ${r.reason} from ${r.remoteAddress}  expires in ${formatDuration(left)}`;
}

/** One line per paired device. */
export function renderPaired(d: PairedDeviceSummary, now: number, selfId?: string): string {
  const what = [d.displayName, d.clientId, [d.platform, d.deviceFamily].filter(Boolean).join("/")].filter(Boolean).join(" ");
  const tokens = d.tokens.length ? d.tokens.map((t) => t.role).join(",") : "none";
  const self = d.deviceId === selfId ? "  (this device)" : "";
  return `${shortId(d.deviceId)}  ${what}  roles=${d.roles.join(",") || "none"} scopes=${scopeList(d.scopes)} tokens=${tokens}  last seen ${formatDuration(now - d.lastSeenAtMs)} ago${self}`;
}

export function renderList(list: DevicePairListResult, now: number, selfId?: string): string[] {
  const lines: string[] = [];
  if (list.pending.length === 0) lines.push("No pending pairing requests.");
  else {
    lines.push(`Pending (${list.pending.length}), approve with: openclaw devices approve <requestId>`);
    for (const r of list.pending) lines.push(`  ${renderRequest(r, now)}`);
  }
  if (list.paired.length === 0) lines.push("No paired devices.");
  else {
    lines.push(`Paired (${list.paired.length}):`);
    for (const d of list.paired) lines.push(`  ${renderPaired(d, now, selfId)}`);
  }
  return lines;
}

/** A full device id from a full id or a unique prefix of a paired device's id. */
export function resolveDeviceId(input: string, paired: readonly { deviceId: string }[]): string {
  const wanted = input.trim().toLowerCase();
  if (FULL_ID.test(wanted)) return wanted;
  if (wanted.length < MIN_PREFIX) throw new CliError(`device id too short: "${input}" (give at least ${MIN_PREFIX} characters; see: openclaw devices list)`);
  const matches = paired.filter((d) => d.deviceId.startsWith(wanted));
  if (matches.length === 1) return matches[0]!.deviceId;
  if (matches.length === 0) throw new CliError(`no paired device matches "${input}" (see: openclaw devices list)`);
  throw new CliError(`"${input}" matches ${matches.length} devices; give more characters (see: openclaw devices list)`);
}

/** One connection for the whole command; RPC failures become the gateway's own message. */
async function withGateway<T>(target: RpcTarget, method: string, run: (client: GatewayClient) => Promise<T>): Promise<T> {
  const client = await connectGateway(target);
  try {
    return await run(client);
  } catch (err) {
    const failure = describeGatewayFailure(err, { method, target });
    if (failure instanceof GatewayCallError && failure.kind === "rpc" && failure.shape) throw new CliError(failure.shape.message);
    throw failure;
  } finally {
    await client.close();
  }
}

async function selfDeviceId(target: RpcTarget): Promise<string | undefined> {
  if (target.stateDir === undefined) return undefined;
  const { loadOrCreateDeviceIdentity } = await import("../../client/device-identity.js");
  return (await loadOrCreateDeviceIdentity(target.stateDir).catch(() => undefined))?.id;
}

export async function runDevices(action: DevicesAction, arg: string | undefined, flags: DevicesFlags, env = process.env): Promise<number> {
  const { target } = await prepareGatewayTarget(flags, env);
  const out = await withGateway(target, METHODS[action], async (client) => {
    const deviceId = async () => resolveDeviceId(arg!, (await client.request<DevicePairListResult>("device.pair.list", {})).paired);
    const role = flags.role ?? "operator";
    switch (action) {
      case "list": {
        const list = await client.request<DevicePairListResult>("device.pair.list", {});
        return { json: list, lines: renderList(list, Date.now(), await selfDeviceId(target)) };
      }
      case "approve": {
        const r = await client.request<DevicePairApproveResult>("device.pair.approve", { requestId: arg });
        return { json: r, lines: [`Approved device ${shortId(r.deviceId)} as ${r.role} (scopes ${scopeList(r.scopes)}); it can connect now.`] };
      }
      case "reject": {
        const r = await client.request<DevicePairRejectResult>("device.pair.reject", { requestId: arg });
        return { json: r, lines: [`Rejected pairing request ${r.requestId} (device ${shortId(r.deviceId)}).`] };
      }
      case "remove": {
        const r = await client.request<DevicePairRemoveResult>("device.pair.remove", { deviceId: await deviceId() });
        return { json: r, lines: [`Removed device ${shortId(r.deviceId)} (closed ${plural(r.closed, "connection")}).`] };
      }
      case "rotate": {
        const r = await client.request<DeviceTokenRotateResult>("device.token.rotate", { deviceId: await deviceId(), role });
        return { json: r, lines: [`New ${r.role} token for device ${shortId(r.deviceId)}: ${r.token}`] };
      }
      default: {
        const r = await client.request<DeviceTokenRevokeResult>("device.token.revoke", { deviceId: await deviceId(), role });
        return { json: r, lines: [`Revoked the ${r.role} token of device ${shortId(r.deviceId)} (closed ${plural(r.closed, "connection")}).`] };
      }
    }
  });
  if (flags.json) printJson(out.json);
  else printLines(out.lines);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  const devices = program.command("devices").description("pair devices with this gateway and manage their tokens");
  const sub = (name: string, description: string, withRole = false) => {
    const cmd = addConnectionOptions(devices.command(name).description(description).option("--json", "print JSON"));
    if (withRole) cmd.option("--role <role>", "the device role (operator or node)", "operator");
    return cmd;
  };
  sub("list", "list pending pairing requests and paired devices").action(async (flags: DevicesFlags) => setExit(await runDevices("list", undefined, flags)));
  sub("approve", "approve a pending pairing request")
    .argument("<requestId>", "the request id shown by `openclaw devices list` or in the device's error")
    .action(async (id: string, flags: DevicesFlags) => setExit(await runDevices("approve", id, flags)));
  sub("reject", "reject a pending pairing request")
    .argument("<requestId>", "the request id shown by `openclaw devices list`")
    .action(async (id: string, flags: DevicesFlags) => setExit(await runDevices("reject", id, flags)));
  sub("remove", "unpair a device and close its connections")
    .argument("<deviceId>", "device id (or a unique prefix of at least 4 characters)")
    .action(async (id: string, flags: DevicesFlags) => setExit(await runDevices("remove", id, flags)));
  sub("rotate", "issue a new device token (the old one stops working)", true)
    .argument("<deviceId>", "device id (or a unique prefix of at least 4 characters)")
    .action(async (id: string, flags: DevicesFlags) => setExit(await runDevices("rotate", id, flags)));
  sub("revoke", "delete a device token and close the connections that use it", true)
    .argument("<deviceId>", "device id (or a unique prefix of at least 4 characters)")
    .action(async (id: string, flags: DevicesFlags) => setExit(await runDevices("revoke", id, flags)));
}
