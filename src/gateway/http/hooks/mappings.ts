// `hooks.mappings[]`: which mapping a `POST <path>/<name>` request hits, and the action fields it
// renders before a transform (if any) overrides them. Mappings are checked once, when the stage is
// built, so a typo refuses startup instead of failing the first webhook.
//
// A mapping, as configured:
//   { id?, match: { path?: "github", source?: "github" | { field: "repo.name", equals: "x" } },
//     action?: "agent" (default) | "wake", name?, messageTemplate?, textTemplate? (wake; falls back
//     to messageTemplate), sessionKey? (template), agentId?, wakeMode?, deliver?, channel?, to?,
//     model?, thinking?, timeoutSeconds?, transform?: { module: "x.mjs", export?: "default" } }
// `match.source` as a string compares the payload's `source` field; both criteria must hold when
// both are given. The first matching mapping wins; config mappings come before presets.
import { WAKE_MODES } from "./actions.js";
import { lookup, renderTemplate, splitPath, type TemplateContext } from "./template.js";

export type HookContext = TemplateContext;

export interface HookMatch {
  path?: string;
  source?: { field: string; equals: string | number | boolean };
}

export interface HookMapping {
  /** `id` from config, else `hooks.mappings[<i>]`; used in logs. */
  id: string;
  match: HookMatch;
  action: "wake" | "agent";
  templates: { message?: string; text?: string; sessionKey?: string };
  /** Fixed action fields: name, agentId, wakeMode, deliver, channel, to, model, thinking, timeoutSeconds. */
  fields: Record<string, unknown>;
  transform?: { module: string; exportName: string };
  /** Presets only: an override computed in code instead of a module. */
  builtin?: (ctx: HookContext) => Record<string, unknown> | null;
}

/** A mapping that cannot work; the message names the key. */
export class HookConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HookConfigError";
  }
}

const STRING_FIELDS = ["name", "agentId", "channel", "to", "model", "thinking"] as const;

/** Strips slashes at both ends: sub-paths are compared as `github`, never `/github/`. */
export function normalizeSubPath(p: string): string {
  return p.trim().replace(/^\/+|\/+$/g, "");
}

function parseMatch(raw: unknown, at: string): HookMatch {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new HookConfigError(`${at}.match must be an object with path or source`);
  const m = raw as Record<string, unknown>;
  const match: HookMatch = {};
  if (m.path !== undefined) {
    if (typeof m.path !== "string" || !normalizeSubPath(m.path)) throw new HookConfigError(`${at}.match.path must be a non-empty string`);
    match.path = normalizeSubPath(m.path);
  }
  if (typeof m.source === "string" && m.source) match.source = { field: "source", equals: m.source };
  else if (m.source !== undefined) {
    const s = m.source as Record<string, unknown> | null;
    const ok = typeof s === "object" && s !== null && typeof s.field === "string" && s.field.trim() !== "" && ["string", "number", "boolean"].includes(typeof s.equals);
    if (!ok) throw new HookConfigError(`${at}.match.source must be a string or { field: string, equals: string | number | boolean }`);
    match.source = { field: (s.field as string).trim(), equals: s.equals as string | number | boolean };
  }
  if (!match.path && !match.source) throw new HookConfigError(`${at}.match needs path or source`);
  return match;
}

function optionalString(m: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = m[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new HookConfigError(`${at}.${key} must be a string`);
  return v;
}

/** Checks one configured mapping; `at` is its config path. */
export function parseMapping(raw: unknown, at: string): HookMapping {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new HookConfigError(`${at} must be an object`);
  const m = raw as Record<string, unknown>;
  const action = m.action ?? "agent";
  if (action !== "agent" && action !== "wake") throw new HookConfigError(`${at}.action must be "agent" or "wake"`);
  const mapping: HookMapping = { id: optionalString(m, "id", at) ?? at, match: parseMatch(m.match, at), action, templates: {}, fields: {} };
  for (const [key, slot] of [["messageTemplate", "message"], ["textTemplate", "text"], ["sessionKey", "sessionKey"]] as const) {
    const v = optionalString(m, key, at);
    if (v !== undefined) mapping.templates[slot] = v;
  }
  for (const key of STRING_FIELDS) {
    const v = optionalString(m, key, at);
    if (v !== undefined) mapping.fields[key] = v;
  }
  if (m.wakeMode !== undefined && !(WAKE_MODES as readonly unknown[]).includes(m.wakeMode)) throw new HookConfigError(`${at}.wakeMode must be "now" or "next-heartbeat"`);
  if (m.deliver !== undefined && typeof m.deliver !== "boolean") throw new HookConfigError(`${at}.deliver must be a boolean`);
  if (m.timeoutSeconds !== undefined && !(Number.isInteger(m.timeoutSeconds) && (m.timeoutSeconds as number) > 0)) {
    throw new HookConfigError(`${at}.timeoutSeconds must be a positive integer`);
  }
  for (const key of ["wakeMode", "deliver", "timeoutSeconds"] as const) if (m[key] !== undefined) mapping.fields[key] = m[key];
  if (m.transform !== undefined) {
    const t = m.transform as Record<string, unknown> | null;
    if (typeof t !== "object" || t === null || typeof t.module !== "string" || !t.module.trim()) {
      throw new HookConfigError(`${at}.transform.module must be a non-empty string`);
    }
    const exportName = t.export === undefined ? "default" : t.export;
    if (typeof exportName !== "string" || !exportName) throw new HookConfigError(`${at}.transform.export must be a string`);
    mapping.transform = { module: t.module.trim(), exportName };
  }
  const hasTemplate = mapping.templates.message !== undefined || (action === "wake" && mapping.templates.text !== undefined);
  if (!hasTemplate && !mapping.transform) {
    throw new HookConfigError(`${at} needs ${action === "wake" ? "textTemplate or messageTemplate" : "messageTemplate"} or transform.module`);
  }
  return mapping;
}

export function parseMappings(raw: unknown, where = "hooks.mappings"): HookMapping[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new HookConfigError(`${where} must be an array`);
  return raw.map((m, i) => parseMapping(m, `${where}[${i}]`));
}

/** The first mapping whose criteria all hold for this sub-path and payload. */
export function findMapping(mappings: readonly HookMapping[], subPath: string, payload: unknown): HookMapping | undefined {
  const sub = normalizeSubPath(subPath);
  return mappings.find((m) => {
    if (m.match.path !== undefined && m.match.path !== sub) return false;
    if (m.match.source && lookup(payload, splitPath(m.match.source.field)) !== m.match.source.equals) return false;
    return true;
  });
}

/** The action fields a mapping renders for a request, before any transform. */
export function mappingFields(m: HookMapping, ctx: HookContext): Record<string, unknown> {
  const out: Record<string, unknown> = { action: m.action, ...m.fields };
  if (m.action === "wake") {
    const template = m.templates.text ?? m.templates.message;
    if (template !== undefined) out.text = renderTemplate(template, ctx);
    if (m.fields.wakeMode !== undefined) out.mode = m.fields.wakeMode;
    delete out.wakeMode;
  } else if (m.templates.message !== undefined) out.message = renderTemplate(m.templates.message, ctx);
  if (m.templates.sessionKey !== undefined) {
    const key = renderTemplate(m.templates.sessionKey, ctx).trim();
    if (key) out.sessionKey = key;
  }
  return out;
}
