// Compaction: when history outgrows the model's context, older turns are summarised by the model
// and replaced (in what is replayed, never on disk) by that summary. Nothing is silently dropped:
// the full transcript stays in the file, and the summary entry records where it starts.
import type { SubsystemLogger } from "../../logging/logger.js";
import { streamWithFallback } from "../providers/fallback.js";
import type { SessionStore, TranscriptEntry } from "../sessions/store.js";
import type { ResolvedModel } from "../types.js";
import { estimateTokens } from "../prompt.js";

export interface CompactInput {
  agentId: string;
  sessionKey: string;
  sessions: SessionStore;
  model: ResolvedModel;
  signal: AbortSignal;
  /** Roughly how much recent history to keep verbatim. */
  keepLastTokens: number;
  log: SubsystemLogger;
}

export interface CompactResult {
  compacted: boolean;
  summarizedMessages: number;
  tokensBefore: number;
  reason?: string;
}

type MessageEntry = Extract<TranscriptEntry, { type: "message" }>;

function entryText(e: MessageEntry): string {
  const m = e.message as { role: string; content?: unknown };
  const parts = Array.isArray(m.content) ? m.content : [{ type: "text", text: String(m.content ?? "") }];
  const text = parts
    .map((p: { type?: string; text?: string; name?: string; arguments?: unknown }) =>
      p.type === "text" ? p.text : p.type === "toolCall" ? `[tool call ${p.name} ${JSON.stringify(p.arguments)}]` : "",
    )
    .join(" ");
  return `${m.role}: ${text}`;
}

export async function compactHistory(input: CompactInput): Promise<CompactResult> {
  const entries = await input.sessions.readTranscript(input.agentId, input.sessionKey);
  let start = 0;
  let previousSummary: string | undefined;
  entries.forEach((e, i) => {
    if (e.type === "compaction") {
      previousSummary = e.summary;
      const kept = entries.findIndex((x) => "id" in x && x.id === e.firstKeptEntryId);
      start = kept >= 0 ? kept : i + 1;
    }
  });
  const live = entries.slice(start).filter((e): e is MessageEntry => e.type === "message");
  const tokensBefore = estimateTokens(live.map(entryText).join("\n"));
  // Walk back from the end, keeping recent turns, and cut at a user message so a tool call is
  // never separated from its result.
  let kept = 0;
  let cut = live.length;
  for (let i = live.length - 1; i >= 0; i--) {
    kept += estimateTokens(entryText(live[i]!));
    if (kept > input.keepLastTokens && (live[i]!.message as { role: string }).role === "user") {
      cut = i;
      break;
    }
    if ((live[i]!.message as { role: string }).role === "user") cut = i;
  }
  const older = live.slice(0, cut);
  if (older.length === 0 || cut >= live.length) return { compacted: false, summarizedMessages: 0, tokensBefore, reason: "nothing old enough to compact" };
  const transcript = older.map(entryText).join("\n");
  const prompt = [
    "Summarise this conversation so it can replace the original turns in the assistant's memory.",
    "Keep decisions, facts, names, open tasks, file paths and anything the user asked to remember. Be concise.",
    previousSummary ? `Earlier summary:\n${previousSummary}` : "",
    `Conversation:\n${transcript}`,
  ]
    .filter(Boolean)
    .join("\n\n");
  let summary = "";
  for await (const ev of streamWithFallback([input.model], { messages: [{ role: "user", content: prompt }], signal: input.signal })) {
    if (ev.type === "text-delta") summary += ev.text;
  }
  summary = summary.trim();
  if (!summary) return { compacted: false, summarizedMessages: 0, tokensBefore, reason: "the model returned an empty summary" };
  await input.sessions.appendCompaction(input.agentId, input.sessionKey, { summary, firstKeptEntryId: live[cut]!.id, tokensBefore });
  input.log.info(`compacted session ${input.sessionKey}: ${older.length} messages summarised (${tokensBefore} tokens before)`);
  return { compacted: true, summarizedMessages: older.length, tokensBefore };
}
