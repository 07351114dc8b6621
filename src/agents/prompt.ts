// System prompt assembly: who the agent is, its workspace, the workspace's bootstrap files
// (AGENTS.md, SOUL.md, IDENTITY.md, USER.md, TOOLS.md when present), the caller's extra prompt,
// and the summary of compacted history.
import { statSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { AgentSettings } from "./agent-config.js";

export const BOOTSTRAP_FILES = ["AGENTS.md", "SOUL.md", "IDENTITY.md", "USER.md", "TOOLS.md"] as const;
const MAX_FILE_CHARS = 20_000;

export interface BootstrapFile {
  name: string;
  text: string;
}

async function readOne(file: string, name: string): Promise<BootstrapFile | null> {
  try {
    const trimmed = (await fs.readFile(file, "utf8")).trim();
    if (!trimmed) return null;
    return { name, text: trimmed.length > MAX_FILE_CHARS ? `${trimmed.slice(0, MAX_FILE_CHARS)}\n[… truncated at ${MAX_FILE_CHARS} characters]` : trimmed };
  } catch {
    return null;
  }
}

/** Reads the workspace's bootstrap files afresh every time. */
export async function readBootstrap(workspace: string): Promise<BootstrapFile[]> {
  const files = await Promise.all(BOOTSTRAP_FILES.map((name) => readOne(path.join(workspace, name), name)));
  return files.filter((f): f is BootstrapFile => f !== null);
}

const MAX_CACHED_WORKSPACES = 32;

interface Cached {
  stamp: string;
  file: BootstrapFile | null;
}

/**
 * The bootstrap files of recently used workspaces, re-read only when a file's stat changes. A
 * run used to open and read all five files (twenty thread-pool round trips); now it makes five
 * `stat` calls, and an edit to AGENTS.md still applies from the next run on.
 */
export class BootstrapCache {
  readonly #byWorkspace = new Map<string, Map<string, Cached>>();

  async read(workspace: string): Promise<BootstrapFile[]> {
    let files = this.#byWorkspace.get(workspace);
    if (!files) {
      files = new Map();
      if (this.#byWorkspace.size >= MAX_CACHED_WORKSPACES) this.#byWorkspace.delete(this.#byWorkspace.keys().next().value!);
      this.#byWorkspace.set(workspace, files);
    }
    const out: BootstrapFile[] = [];
    for (const name of BOOTSTRAP_FILES) {
      const file = path.join(workspace, name);
      const stamp = statStamp(file);
      let cached = files.get(name);
      if (!cached || cached.stamp !== stamp) {
        cached = { stamp, file: stamp === "" ? null : await readOne(file, name) };
        // Stamp taken before the read: a write racing it makes the next run read again.
        files.set(name, cached);
      }
      if (cached.file) out.push(cached.file);
    }
    return out;
  }
}

// Identity and version of a file ("" when there is none): inode, size, change and modify times.
function statStamp(file: string): string {
  try {
    const st = statSync(file, { bigint: true, throwIfNoEntry: false });
    return st?.isFile() ? `${st.ino}:${st.size}:${st.ctimeNs}:${st.mtimeNs}` : "";
  } catch {
    return "";
  }
}

export interface PromptInput {
  agent: AgentSettings;
  extraSystemPrompt?: string;
  summary?: string;
  toolNames: string[];
  now?: Date;
  /** Where the bootstrap files come from (default: read afresh). */
  bootstrap?: (workspace: string) => Promise<BootstrapFile[]>;
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
    for (const f of await (input.bootstrap ?? readBootstrap)(agent.workspace)) parts.push(`## ${f.name}\n${f.text}`);
  }
  if (input.summary) parts.push(`## Summary of the earlier conversation\n${input.summary}`);
  if (input.extraSystemPrompt?.trim()) parts.push(input.extraSystemPrompt.trim());
  return parts.join("\n\n");
}

/** A cheap token estimate (4 characters per token), used for compaction decisions. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
