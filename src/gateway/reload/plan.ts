// What a config change needs: the dotted paths that differ between two configs, and the
// reference's first-matching-prefix rule table mapping each path to nothing, a hot action or a
// restart. Pure functions; the reloader decides what to do with the plan.
import { isDeepStrictEqual } from "node:util";

export type ReloadMode = "off" | "restart" | "hot" | "hybrid";

/** Hot actions; `channel:<id>` restarts one channel. */
export type HotAction = "auth" | "hooks" | "health-monitor" | "heartbeat" | "cron" | `channel:${string}`;

type RuleKind = { kind: "none" } | { kind: "hot"; action: HotAction | ((path: string) => HotAction) } | { kind: "restart" };

interface Rule {
  prefixes: readonly string[];
  rule: RuleKind;
}

const none: RuleKind = { kind: "none" };
const restart: RuleKind = { kind: "restart" };
const hot = (action: HotAction | ((path: string) => HotAction)): RuleKind => ({ kind: "hot", action });

/**
 * The reference's table (spec 5.5), first match wins. One deliberate difference: a changed
 * `gateway.auth` is applied hot (sockets that used the old secret are closed with 4001, the rest
 * stay). `logging` needs no restart, as in the reference; the logger is built at start, so the
 * reloader says that the new levels apply at the next restart.
 */
const RULES: readonly Rule[] = [
  { prefixes: ["gateway.remote", "gateway.reload"], rule: none },
  { prefixes: ["gateway.auth"], rule: hot("auth") },
  {
    prefixes: ["gateway.channelHealthCheckMinutes", "gateway.channelStaleEventThresholdMinutes", "gateway.channelMaxRestartsPerHour"],
    rule: hot("health-monitor"),
  },
  { prefixes: ["diagnostics.stuckSessionWarnMs"], rule: none },
  { prefixes: ["hooks"], rule: hot("hooks") },
  {
    prefixes: ["agents.defaults.heartbeat", "agents.defaults.models", "agents.defaults.model", "models", "agents.list", "agent.heartbeat"],
    rule: hot("heartbeat"),
  },
  { prefixes: ["cron"], rule: hot("cron") },
  { prefixes: ["channels"], rule: hot((p) => `channel:${p.split(".")[1] ?? "*"}`) },
  {
    prefixes: [
      "$schema", "meta", "identity", "logging", "wizard", "agents", "tools", "bindings", "audio", "agent", "routing",
      "messages", "session", "talk", "skills", "secrets", "ui", "commands", "telemetry", "update",
    ],
    rule: none,
  },
  { prefixes: ["plugins", "gateway", "discovery", "canvasHost"], rule: restart },
];

function matches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

export function classifyPath(path: string): RuleKind {
  for (const { prefixes, rule } of RULES) {
    if (prefixes.some((p) => matches(path, p))) return rule;
  }
  return restart;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Dotted paths whose values differ; arrays and scalars compare whole, objects recurse. An added
 * or removed section reports its leaves, so rules can match them precisely.
 */
export function diffConfigPaths(a: unknown, b: unknown, prefix = ""): string[] {
  const objA = isPlainObject(a) ? a : a === undefined && isPlainObject(b) ? {} : undefined;
  const objB = isPlainObject(b) ? b : b === undefined && isPlainObject(a) ? {} : undefined;
  if (objA && objB) {
    const out: string[] = [];
    for (const key of new Set([...Object.keys(objA), ...Object.keys(objB)])) {
      out.push(...diffConfigPaths(objA[key], objB[key], prefix ? `${prefix}.${key}` : key));
    }
    return out;
  }
  return isDeepStrictEqual(a, b) ? [] : [prefix || "<root>"];
}

export interface ReloadPlan {
  changedPaths: string[];
  /** Paths that need a restart. */
  restartPaths: string[];
  /** Hot actions with the paths that asked for them. */
  hot: Map<HotAction, string[]>;
}

export function planReload(changedPaths: string[]): ReloadPlan {
  const plan: ReloadPlan = { changedPaths, restartPaths: [], hot: new Map() };
  for (const path of changedPaths) {
    const rule = classifyPath(path);
    if (rule.kind === "restart") plan.restartPaths.push(path);
    else if (rule.kind === "hot") {
      const action = typeof rule.action === "function" ? rule.action(path) : rule.action;
      plan.hot.set(action, [...(plan.hot.get(action) ?? []), path]);
    }
  }
  return plan;
}

export type ReloadDecision =
  | { kind: "nothing" }
  | { kind: "disabled" }
  | { kind: "hot"; plan: ReloadPlan; skippedRestart: string[] }
  | { kind: "restart"; plan: ReloadPlan };

/** The mode's behaviour (spec 5.5) for a plan. */
export function decide(mode: ReloadMode, plan: ReloadPlan): ReloadDecision {
  if (plan.changedPaths.length === 0) return { kind: "nothing" };
  switch (mode) {
    case "off":
      return { kind: "disabled" };
    case "restart":
      return { kind: "restart", plan };
    case "hot":
      return { kind: "hot", plan, skippedRestart: plan.restartPaths };
    case "hybrid":
      return plan.restartPaths.length > 0 ? { kind: "restart", plan } : { kind: "hot", plan, skippedRestart: [] };
  }
}
