// The agent's built-in tools: built from `tools.*` policy, filtered by allow/deny, described to
// the model as ToolSpecs, and run through one entry point that never throws.
import type { ToolSpec } from "../types.js";
import { createEditTool } from "./edit.js";
import { oneLine, ToolError } from "./errors.js";
import { createExecTool } from "./exec.js";
import { createFindTool } from "./find.js";
import { createLsTool } from "./ls.js";
import { createReadTool } from "./read.js";
import type { AgentTool, ToolContext, ToolPolicy, ToolResult } from "./types.js";
import { createWebFetchTool } from "./web-fetch.js";
import { createWriteTool } from "./write.js";

export type { AgentTool, ExecSecurity, ToolContext, ToolPolicy, ToolResult } from "./types.js";
export { ToolError } from "./errors.js";
export { DEFAULT_EXEC_ALLOWLIST } from "./exec-policy.js";
export { resolveInWorkspace } from "./workspace-path.js";

/** Names that stand for several tools in `tools.allow` / `tools.deny` (bare or as `group:<name>`). */
export const TOOL_GROUPS: Readonly<Record<string, readonly string[]>> = {
  fs: ["read", "write", "edit", "ls", "find"],
  runtime: ["exec"],
  web: ["web_fetch"],
};

function expandNames(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    const group = TOOL_GROUPS[name.startsWith("group:") ? name.slice(6) : name];
    if (group) for (const member of group) out.add(member);
    else out.add(name);
  }
  return out;
}

/** Whether a tool survives the policy: deny wins; `allow`, when given, is a whitelist; `*` means all. */
export function isToolAllowed(name: string, policy: Pick<ToolPolicy, "allow" | "deny"> = {}): boolean {
  const lower = name.toLowerCase();
  const deny = expandNames(policy.deny ?? []);
  if (deny.has(lower) || deny.has("*")) return false;
  if (policy.allow === undefined) return true;
  const allow = expandNames(policy.allow);
  return allow.has(lower) || allow.has("*");
}

/** The built-in tools the policy allows, configured by it. Throws on an invalid policy value. */
export function createTools(policy: ToolPolicy = {}): AgentTool[] {
  const builders: Record<string, () => AgentTool> = {
    read: createReadTool,
    write: createWriteTool,
    edit: createEditTool,
    ls: createLsTool,
    find: createFindTool,
    exec: () => createExecTool(policy.exec),
    web_fetch: () => createWebFetchTool(policy.webFetch),
  };
  return Object.entries(builders)
    .filter(([name]) => isToolAllowed(name, policy))
    .map(([, build]) => build());
}

/** What the model is told about each tool (plain JSON Schema, no TypeBox symbols). */
export function toolSpecs(tools: AgentTool[]): ToolSpec[] {
  return tools.map((t) => ({
    name: t.name,
    description: t.description,
    parameters: JSON.parse(JSON.stringify(t.parameters)) as Record<string, unknown>,
  }));
}

/**
 * Runs one tool call. Never throws: an unknown tool, invalid arguments or any failure comes back
 * as `{ isError: true, content }` with one clear line, which the model can act on.
 */
export async function runTool(
  tools: AgentTool[],
  call: { name: string; arguments: Record<string, unknown> },
  ctx: ToolContext,
): Promise<ToolResult> {
  const wanted = String(call.name ?? "");
  const tool = tools.find((t) => t.name === wanted) ?? tools.find((t) => t.name.toLowerCase() === wanted.toLowerCase());
  if (!tool) {
    const available = tools.map((t) => t.name).join(", ") || "none";
    return { isError: true, content: `unknown tool: ${wanted} (available: ${available})` };
  }
  const args = call.arguments;
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    return { isError: true, content: `invalid arguments for ${tool.name}: must be an object` };
  }
  try {
    return await tool.execute(args, ctx);
  } catch (err) {
    if (err instanceof ToolError) return { isError: true, content: oneLine(err.message) };
    if (ctx.signal.aborted) return { isError: true, content: `${tool.name} was aborted` };
    const message = err instanceof Error ? err.message : String(err);
    return { isError: true, content: oneLine(`${tool.name} failed: ${message}`) };
  }
}
