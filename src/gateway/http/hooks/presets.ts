// Built-in mappings enabled by `hooks.presets`. `gmail`: `POST <path>/gmail` with the summary a
// Gmail watcher posts after a Pub/Sub push:
//   { account?: string, messages: [{ id?, threadId?, from?, to?, subject?, date?, snippet?, body? }] }
// becomes one agent run on `hook:gmail:<first message id>` listing up to 10 messages.
// An empty `messages` list is dropped (204).
import type { HookContext, HookMapping } from "./mappings.js";
import { HookConfigError } from "./mappings.js";

const MAX_MESSAGES = 10;
const MAX_BODY_CHARS = 4000;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() ? v.trim() : undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The agent message for a Gmail push summary, or null when it carries no messages. */
export function gmailOverride(ctx: HookContext): Record<string, unknown> | null {
  const payload = (ctx.payload ?? {}) as Record<string, unknown>;
  const list = Array.isArray(payload.messages) ? payload.messages.filter((m): m is Record<string, unknown> => typeof m === "object" && m !== null) : [];
  if (list.length === 0) return null;
  const account = str(payload.account);
  const head = `New email${list.length === 1 ? "" : "s"}${account ? ` for ${account}` : ""} (${list.length}):`;
  const blocks = list.slice(0, MAX_MESSAGES).map((m) => {
    const lines = [`From: ${str(m.from) ?? "(unknown sender)"}`, `Subject: ${str(m.subject) ?? "(no subject)"}`];
    if (str(m.date)) lines.push(`Date: ${str(m.date)}`);
    const text = str(m.body) ?? str(m.snippet);
    if (text) lines.push("", clip(text, MAX_BODY_CHARS));
    return lines.join("\n");
  });
  if (list.length > MAX_MESSAGES) blocks.push(`(${list.length - MAX_MESSAGES} more not shown)`);
  const out: Record<string, unknown> = { message: [head, ...blocks].join("\n\n") };
  const firstId = str(list[0]!.id);
  if (firstId) out.sessionKey = `hook:gmail:${firstId.replace(/[^A-Za-z0-9_.-]/g, "")}`;
  return out;
}

const PRESETS: Record<string, HookMapping> = {
  gmail: { id: "preset:gmail", match: { path: "gmail" }, action: "agent", templates: {}, fields: { name: "Gmail" }, builtin: gmailOverride },
};

export const PRESET_NAMES = Object.keys(PRESETS);

/** The mappings `hooks.presets` names, in order; an unknown name refuses the config. */
export function presetMappings(names: readonly string[] | undefined): HookMapping[] {
  return (names ?? []).map((raw, i) => {
    const preset = PRESETS[raw.trim().toLowerCase()];
    if (!preset) throw new HookConfigError(`hooks.presets[${i}]: unknown preset "${raw}" (available: ${PRESET_NAMES.join(", ")})`);
    return preset;
  });
}
