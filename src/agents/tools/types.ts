// The shapes every built-in agent tool shares: what a tool gets (its context), what it returns,
// and the policy (from `tools.*` config) that decides which tools exist and how far they reach.

/** What a running tool may use: the agent's workspace (absolute) and the run's abort signal. */
export interface ToolContext {
  workspace: string;
  signal: AbortSignal;
  agentId: string;
  sessionKey: string;
}

/** A tool's answer as the model will see it; `details` is for views and transcripts. */
export interface ToolResult {
  content: string;
  isError?: boolean;
  details?: Record<string, unknown>;
}

export interface AgentTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
}

export type ExecSecurity = "deny" | "allowlist" | "full";

/** The `tools` config section as far as the built-in tools read it. */
export interface ToolPolicy {
  allow?: string[];
  deny?: string[];
  exec?: { security?: ExecSecurity; allowlist?: string[]; timeoutSeconds?: number; maxOutputBytes?: number };
  webFetch?: { allowPrivateNetwork?: boolean; maxBytes?: number; timeoutMs?: number };
}
