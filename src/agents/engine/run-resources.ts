// Per-engine caches of what every run would otherwise rebuild: the agent's tool set (and the
// specs sent to the model) per tools policy, the workspaces already known to exist, and their
// bootstrap files (re-read when they change).
import { ensureWorkspace, type AgentSettings } from "../agent-config.js";
import { BootstrapCache, type BootstrapFile } from "../prompt.js";
import { createTools, toolSpecs, type AgentTool, type ToolPolicy } from "../tools/index.js";
import type { ToolSpec } from "../types.js";

const MAX_TOOLSETS = 32;
const MAX_WORKSPACES = 256;

export interface Toolset {
  tools: AgentTool[];
  specs: ToolSpec[];
}

export class RunResources {
  readonly #toolsets = new Map<string, Toolset>();
  readonly #workspaces = new Set<string>();
  readonly #bootstrap = new BootstrapCache();

  /** The workspace's bootstrap files (AGENTS.md, SOUL.md, ...) as they are now. */
  readonly bootstrap = (workspace: string): Promise<BootstrapFile[]> => this.#bootstrap.read(workspace);

  toolset(policy: ToolPolicy | undefined): Toolset {
    const key = JSON.stringify(policy ?? {});
    let set = this.#toolsets.get(key);
    if (!set) {
      const tools = createTools(policy);
      set = { tools, specs: toolSpecs(tools) };
      if (this.#toolsets.size >= MAX_TOOLSETS) this.#toolsets.delete(this.#toolsets.keys().next().value!);
      this.#toolsets.set(key, set);
    }
    return set;
  }

  async workspace(agent: AgentSettings): Promise<void> {
    if (this.#workspaces.has(agent.workspace)) return;
    await ensureWorkspace(agent);
    if (this.#workspaces.size >= MAX_WORKSPACES) this.#workspaces.clear();
    this.#workspaces.add(agent.workspace);
  }
}
