// The two things a hook can do, `wake` and `agent` (spec 4.10), parsed from a request body or a
// mapping's output into checked values. Each refusal is a 400 with one line naming the field.

export const WAKE_MODES = ["now", "next-heartbeat"] as const;
export type WakeMode = (typeof WAKE_MODES)[number];

export interface WakeAction {
  kind: "wake";
  text: string;
  mode: WakeMode;
}

export interface AgentAction {
  kind: "agent";
  message: string;
  name: string;
  agentId?: string;
  sessionKey?: string;
  idempotencyKey?: string;
  /** After the run, its summary goes to the main session; "now" also runs the heartbeat at once. */
  wakeMode: WakeMode;
  /** Send the reply to a chat: `channel` ("last" = where the main session was last reached from) and `to`. */
  deliver: boolean;
  channel: string;
  to?: string;
  model?: string;
  /** Accepted and checked; the engine has no thinking levels yet. */
  thinking?: string;
  timeoutSeconds?: number;
}

export type HookAction = WakeAction | AgentAction;

export const DEFAULT_HOOK_NAME = "Hook";
export const DEFAULT_HOOK_CHANNEL = "last";
const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;

/** A refusal the caller can fix: 400 `{ok:false, error}`. */
export class HookRequestError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = "HookRequestError";
  }
}

type Fields = Record<string, unknown>;

function optString(body: Fields, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new HookRequestError(`${key} must be a string`);
  return v.trim() || undefined;
}

function wakeMode(body: Fields, key: string): WakeMode {
  const v = body[key] ?? "now";
  if (!(WAKE_MODES as readonly unknown[]).includes(v)) throw new HookRequestError(`${key} must be "now" or "next-heartbeat"`);
  return v as WakeMode;
}

export function asFields(body: unknown): Fields {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HookRequestError("body must be a JSON object");
  return body as Fields;
}

/** `POST <path>/wake` `{text, mode?}`. */
export function parseWake(body: unknown): WakeAction {
  const f = asFields(body);
  const text = typeof f.text === "string" ? f.text.trim() : "";
  if (!text) throw new HookRequestError("text required");
  return { kind: "wake", text, mode: wakeMode(f, "mode") };
}

/** `POST <path>/agent` `{message, name?, agentId?, sessionKey?, idempotencyKey?, wakeMode?, deliver?, channel?, to?, model?, thinking?, timeoutSeconds?}`. */
export function parseAgent(body: unknown): AgentAction {
  const f = asFields(body);
  const message = typeof f.message === "string" ? f.message.trim() : "";
  if (!message) throw new HookRequestError("message required");
  if (f.deliver !== undefined && typeof f.deliver !== "boolean") throw new HookRequestError("deliver must be a boolean");
  const timeout = f.timeoutSeconds;
  if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) > 0 && (timeout as number) <= MAX_TIMEOUT_SECONDS)) {
    throw new HookRequestError(`timeoutSeconds must be an integer from 1 to ${MAX_TIMEOUT_SECONDS}`);
  }
  const action: AgentAction = {
    kind: "agent",
    message,
    name: optString(f, "name") ?? DEFAULT_HOOK_NAME,
    wakeMode: wakeMode(f, "wakeMode"),
    deliver: (f.deliver as boolean | undefined) ?? true,
    channel: optString(f, "channel") ?? DEFAULT_HOOK_CHANNEL,
  };
  for (const key of ["agentId", "sessionKey", "idempotencyKey", "to", "model", "thinking"] as const) {
    const v = optString(f, key);
    if (v !== undefined) action[key] = v;
  }
  if (timeout !== undefined) action.timeoutSeconds = timeout as number;
  return action;
}
