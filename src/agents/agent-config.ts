// Which agents exist and how each runs: id, name, workspace, model chain, tools policy and
// timeouts, from `agents.defaults` + `agents.list[]` (spec 5.3).
import fs from "node:fs/promises";
import path from "node:path";
import type { OpenClawConfig } from "../config/schema.js";
import { resolveWorkspaceDir } from "../config/paths.js";
import { modelChainFor } from "./providers/resolve.js";

export const DEFAULT_AGENT_ID = "main";
export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_MAX_CONCURRENT = 4;

export interface AgentSettings {
  id: string;
  name?: string;
  isDefault: boolean;
  workspace: string;
  identity?: { name?: string; theme?: string; emoji?: string; avatar?: string };
  /** Model refs, primary first, then fallbacks (env-based default when none is configured). */
  models: string[];
  tools: { allow?: string[]; deny?: string[]; exec?: Record<string, unknown>; webFetch?: Record<string, unknown> };
  timeoutSeconds: number;
  skipBootstrap: boolean;
}

type AgentEntry = NonNullable<NonNullable<OpenClawConfig["agents"]>["list"]>[number];
export function listAgentIds(config: OpenClawConfig): string[] {
  const list = config.agents?.list ?? [];
  return list.length ? list.map((a) => a.id) : [DEFAULT_AGENT_ID];
}

export function defaultAgentId(config: OpenClawConfig): string {
  const list = config.agents?.list ?? [];
  return (list.find((a) => a.default === true) ?? list[0])?.id ?? DEFAULT_AGENT_ID;
}

export function resolveAgent(config: OpenClawConfig, agentId: string, env: NodeJS.ProcessEnv, stateDir: string): AgentSettings | undefined {
  const list = config.agents?.list ?? [];
  const entry: AgentEntry | undefined = list.find((a) => a.id === agentId);
  if (!entry && !(list.length === 0 && agentId === DEFAULT_AGENT_ID)) return undefined;
  const defaults = config.agents?.defaults ?? {};
  const isDefault = defaultAgentId(config) === agentId;
  const base = defaults.workspace ?? resolveWorkspaceDir(env);
  const workspace = entry?.workspace ?? (isDefault ? base : path.join(stateDir, `workspace-${agentId}`));
  const entryTools = (entry?.tools ?? {}) as AgentSettings["tools"];
  const globalTools = ((config as Record<string, unknown>).tools ?? {}) as AgentSettings["tools"];
  const settings: AgentSettings = {
    id: agentId,
    isDefault,
    workspace: path.resolve(workspace),
    models: modelChainFor(agentId, config, env),
    tools: { ...globalTools, ...entryTools },
    timeoutSeconds: defaults.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    skipBootstrap: defaults.skipBootstrap === true,
  };
  if (entry?.name) settings.name = entry.name;
  if (entry?.identity) settings.identity = entry.identity;
  return settings;
}

/** Creates the agent's workspace directory (0700) when it does not exist yet. */
export async function ensureWorkspace(agent: AgentSettings): Promise<void> {
  await fs.mkdir(agent.workspace, { recursive: true, mode: 0o700 });
}
