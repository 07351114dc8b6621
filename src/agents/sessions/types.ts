// Shapes of the reference's on-disk session state: entries of `sessions.json` and the entries of
// the pi-agent style JSONL transcripts (version 3) that sit beside it.

export type ChatType = "direct" | "group" | "global";

/** One value of `sessions.json`, keyed there by session key. Unknown fields are preserved. */
export interface SessionIndexEntry {
  /** Names the transcript file, `<sessionId>.jsonl`. */
  sessionId: string;
  /** Last activity, epoch ms. */
  updatedAt: number;
  createdAt?: number;
  label?: string;
  displayName?: string;
  channel?: string;
  chatType?: ChatType;
  thinkingLevel?: string;
  verboseLevel?: string;
  model?: string;
  modelProvider?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  contextTokens?: number;
  /** How the last run ended (`running` only as sessions.list shows a live one). */
  status?: "running" | "done" | "failed" | "killed" | "timeout";
  /** The last run's start and end (epoch ms) and its length. */
  startedAt?: number;
  endedAt?: number;
  runtimeMs?: number;
  abortedLastRun?: boolean;
  /** Transcript path written by the reference; honoured only when it lies in the sessions dir. */
  sessionFile?: string;
  [field: string]: unknown;
}

/** An index entry with the coordinates it was found under. */
export type SessionRow = SessionIndexEntry & { key: string; agentId: string };

/** Fields to change; `null` deletes a field. */
export type SessionPatch = { [K in keyof SessionIndexEntry]?: SessionIndexEntry[K] | null };

/** Writes on behalf of one conversation (a run): `sessionId` is the one it opened. */
export interface WriteScope {
  /** Refuse the write when the key now names another conversation (reset) or none (deleted). */
  sessionId?: string;
}

export interface TextPart {
  type: "text";
  text: string;
  textSignature?: string;
}
export interface ThinkingPart {
  type: "thinking";
  thinking: string;
  thinkingSignature?: string;
}
export interface ImagePart {
  type: "image";
  /** base64 */
  data: string;
  mimeType: string;
}
export interface ToolCallPart {
  type: "toolCall";
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface TranscriptUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
  /** pi-agent readers sum `cost.total`; we write zeros when prices are unknown. */
  cost?: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number };
}

/** pi-agent stop reasons (not the provider-neutral `StopReason`; see convert.ts). */
export type TranscriptStopReason = "stop" | "length" | "toolUse" | "error" | "aborted";

export interface UserTranscriptMessage {
  role: "user";
  content: string | Array<TextPart | ImagePart>;
  /** epoch ms */
  timestamp: number;
}

export interface AssistantTranscriptMessage {
  role: "assistant";
  content: Array<TextPart | ThinkingPart | ToolCallPart>;
  api?: string;
  provider?: string;
  model?: string;
  usage?: TranscriptUsage;
  stopReason?: TranscriptStopReason;
  errorMessage?: string;
  timestamp: number;
}

export interface ToolResultTranscriptMessage {
  role: "toolResult";
  toolCallId: string;
  toolName: string;
  content: Array<TextPart | ImagePart>;
  isError: boolean;
  details?: unknown;
  timestamp: number;
}

/** The `message` object of a transcript `message` entry. */
export type TranscriptMessage = UserTranscriptMessage | AssistantTranscriptMessage | ToolResultTranscriptMessage;

interface EntryBase {
  /**
   * 8 hex chars. Entries of old (v1) writers have none; readers give them `line-<n>` (their
   * 1-based line number, stable since transcripts are append-only) so they can be referenced.
   */
  id: string;
  parentId: string | null;
  /** ISO 8601 */
  timestamp: string;
}

export interface MessageEntry extends EntryBase {
  type: "message";
  message: TranscriptMessage;
}

export interface CompactionEntry extends EntryBase {
  type: "compaction";
  summary: string;
  /** Entries from this id on (up to the compaction) are still replayed verbatim. */
  firstKeptEntryId: string;
  tokensBefore: number;
}

/** The transcript entries this store understands; other entry types are skipped on read. */
export type TranscriptEntry = MessageEntry | CompactionEntry;

/** What the run engine replays: the latest compaction summary and the messages kept after it. */
export interface SessionHistory {
  summary?: string;
  messages: TranscriptMessage[];
}

/** Counters for tests and benchmarks. */
export interface SessionStoreStats {
  transcriptWrites: number;
  transcriptFsyncs: number;
  transcriptsOpened: number;
  transcriptsClosed: number;
  openTranscripts: number;
  indexWrites: number;
}
