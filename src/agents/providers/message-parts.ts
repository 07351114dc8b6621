// Small conversions every adapter shares: image data URLs, tool-argument parsing, fallback ids.
import { randomUUID } from "node:crypto";
import type { ContentBlock } from "../types.js";

/** A base64 image block as a `data:` URL (the form the OpenAI APIs take). */
export function dataUrl(block: Extract<ContentBlock, { type: "image" }>): string {
  return `data:${block.mimeType};base64,${block.data}`;
}

/**
 * Parses streamed tool arguments. Models sometimes emit broken JSON; the call still goes through
 * with `{}` so the tool can report the problem, and the raw text is kept under `_raw`.
 */
export function parseToolArguments(raw: string): Record<string, unknown> {
  if (raw.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { _raw: raw };
}

/** An id for a tool call the server sent without one (some local servers do). */
export function fallbackCallId(): string {
  return `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`;
}

/** The text of a message's content, images left out. */
export function textOf(content: string | ContentBlock[]): string {
  if (typeof content === "string") return content;
  return content.map((b) => (b.type === "text" ? b.text : "")).join("");
}
