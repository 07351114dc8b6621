// Sending an automation result to a chat. The channels service belongs to the channels work; here
// it is only a seam: when no channel plugin provides it, delivery fails with a reason that is
// recorded (run history, last-heartbeat), never dropped silently.

export interface ChannelSendRequest {
  channel: string;
  accountId?: string;
  to: string;
  text: string;
  idempotencyKey?: string;
}

export interface ChannelSendResult {
  channel: string;
  messageId: string;
  chunks: number;
}

/** What automation needs from the channels service. */
export interface ChannelSender {
  send(req: ChannelSendRequest): Promise<ChannelSendResult>;
}

export interface DeliveryOutcome {
  status: "sent" | "failed";
  channel: string;
  to: string;
  messageId?: string;
  error?: string;
}

/** Where a session was last reached from (`lastChannel`/`lastTo`/`lastAccountId` of its entry). */
export interface LastRoute {
  channel: string;
  to: string;
  accountId?: string;
}

/** What `target`/`channel: "last"` means: the session entry's last route, if it has one. */
export function lastRouteOf(entry: Record<string, unknown> | undefined): LastRoute | undefined {
  if (!entry || typeof entry.lastChannel !== "string" || typeof entry.lastTo !== "string") return undefined;
  return { channel: entry.lastChannel, to: entry.lastTo, ...(typeof entry.lastAccountId === "string" ? { accountId: entry.lastAccountId } : {}) };
}

export const NO_CHANNELS_REASON = "no channels service is running in this gateway (no channel is configured or loaded)";

export async function deliver(channels: ChannelSender | undefined, req: ChannelSendRequest): Promise<DeliveryOutcome> {
  const base = { channel: req.channel, to: req.to };
  if (!channels) return { ...base, status: "failed", error: NO_CHANNELS_REASON };
  try {
    const res = await channels.send(req);
    return { ...base, status: "sent", messageId: res.messageId };
  } catch (err) {
    return { ...base, status: "failed", error: err instanceof Error ? err.message : String(err) };
  }
}
