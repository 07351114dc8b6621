// Where session state lives on disk (the reference's layout) and the transcript header line.
import path from "node:path";
import { isValidAgentId, isValidSessionId } from "./keys.js";
import type { SessionIndexEntry } from "./types.js";

/** `<stateDir>/agents/<agentId>/sessions`, holding `sessions.json` and the transcripts. */
export function sessionsDir(stateDir: string, agentId: string): string {
  if (!isValidAgentId(agentId)) throw new Error(`invalid agent id: ${JSON.stringify(agentId)}`);
  return path.join(stateDir, "agents", agentId, "sessions");
}

/** An entry's transcript: its `sessionFile` when that lies in `dir`, else `<sessionId>.jsonl`. */
export function transcriptFile(dir: string, entry: SessionIndexEntry): string {
  if (typeof entry.sessionFile === "string" && entry.sessionFile.endsWith(".jsonl")) {
    const file = path.resolve(dir, entry.sessionFile);
    if (path.dirname(file) === dir) return file;
  }
  if (!isValidSessionId(entry.sessionId)) throw new Error(`unsafe session id: ${JSON.stringify(entry.sessionId)}`);
  return path.join(dir, `${entry.sessionId}.jsonl`);
}

/** The first line of a transcript (pi-agent session header, version 3), with its newline. */
export function headerLine(sessionId: string, cwd: string, nowMs: number): string {
  return `${JSON.stringify({ type: "session", version: 3, id: sessionId, timestamp: new Date(nowMs).toISOString(), cwd })}\n`;
}

/** A file-name-safe timestamp for `.reset.<ts>` archives. */
export function fileStamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/:/g, "-");
}
