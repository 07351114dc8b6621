// System prompt assembly: who the agent is, its workspace, the workspace's bootstrap files
// (AGENTS.md, SOUL.md, IDENTITY.md, USER.md, TOOLS.md when present), the caller's extra prompt,
// and the summary of compacted history.
import fs from "node:fs/promises";
import path from "node:path";
import type { AgentSettings } from "./agent-config.js";

export const BOOTSTRAP_FILES = ["AGENTS.md", "SOUL.md", "IDENTITY.md", "USER.md", "TOOLS.md"] as const;
const MAX_FILE_CHARS = 20_000;

async function readBootstrap(workspace: string): Promise<{ name: string; text: string }[]> {
  const files = await Promise.all(
    BOOTSTRAP_FILES.map(async (name): Promise<{ name: string; text: string } | null> => {
      try {
        const text = await fs.readFile(path.join(workspace, name), "utf8");
        const trimmed = text.trim();
        if (!trimmed) return null;
        return { name, text: trimmed.length > MAX_FILE_CHARS ? `${trimmed.slice(0, MAX_FILE_CHARS)}\n[… truncated at ${MAX_FILE_CHARS} characters]` : trimmed };
      } catch {
        return null;
      }
    }),
  );
  return files.filter((f): f is { name: string; text: string } => f !== null);
}

export interface PromptInput {
  agent: AgentSettings;
  extraSystemPrompt?: string;
  summary?: string;
  toolNames: string[];
  now?: Date;
}

export async function buildSystemPrompt(input: PromptInput): Promise<string> {
  const { agent } = input;
  const who = agent.identity?.name ?? agent.name ?? agent.id;
  const parts = [
    `You are ${who}, a personal AI agent running inside an OpenClaw gateway.`,
    `Your workspace directory is ${agent.workspace}.` +
      (input.toolNames.length ? ` Tools (${input.toolNames.join(", ")}) operate inside it; paths outside it are refused.` : ""),
    `Current time: ${(input.now ?? new Date()).toISOString()}.`,
  ];
  if (!agent.skipBootstrap) {
    for (const f of await readBootstrap(agent.workspace)) parts.push(`## ${f.name}\n${f.text}`);
  }
  if (input.summary) parts.push(`## Summary of the earlier conversation\n${input.summary}`);
  if (input.extraSystemPrompt?.trim()) parts.push(input.extraSystemPrompt.trim());
  return parts.join("\n\n");
}

/** A cheap token estimate (4 characters per token), used for compaction decisions. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
