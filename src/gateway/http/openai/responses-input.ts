// The /v1/responses request: field validation, `tools`/`tool_choice` to client tools, and
// `input` items mapped to transcript turns (the form the session stores and replays), with
// system/developer messages set apart for the system prompt and image and file parts collected
// for responses-attachments.ts.
import { fromAssistantTurn, toolResultMessage } from "../../../agents/sessions/convert.js";
import type { ImagePart, TextPart, TranscriptMessage } from "../../../agents/sessions/types.js";
import type { ToolCall, ToolSpec } from "../../../agents/types.js";
import { OpenAiRequestError } from "./errors.js";
import { Attachments } from "./responses-attachments.js";

/** Marks assistant turns that came from the caller's `input`, not from a model. */
export const INPUT_PROVIDER = "openresponses";
/** A user message with files and nothing else still needs a turn; the files are in the system prompt. */
export const FILE_ONLY_USER_MESSAGE = "User sent file(s) with no text.";

export class ResponsesInputError extends OpenAiRequestError {
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(message, param, code);
    this.name = "ResponsesInputError";
  }
}

export interface ResponsesRequest {
  model: unknown;
  user?: string;
  stream: boolean;
  instructions?: string;
  previousResponseId?: string;
  maxOutputTokens?: number;
  /** Function tools the caller runs; empty when `tool_choice` is "none". */
  clientTools: ToolSpec[];
  /** Echoed in the response resource. */
  tools: unknown[];
  toolChoice: unknown;
  input: unknown;
  metadata: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Validates the body's fields; `input` is mapped later, once the history is known. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (!isObject(body)) throw new ResponsesInputError("Request body must be a JSON object.");
  const optString = (key: string): string | undefined => {
    const v = body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new ResponsesInputError(`\`${key}\` must be a string.`, key);
    return v;
  };
  if (body.input === undefined || body.input === null) throw new ResponsesInputError("Missing `input`.", "input", "missing_required_parameter");
  let maxOutputTokens: number | undefined;
  if (body.max_output_tokens !== undefined && body.max_output_tokens !== null) {
    const n = body.max_output_tokens;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new ResponsesInputError("`max_output_tokens` must be a positive integer.", "max_output_tokens");
    maxOutputTokens = n;
  }
  const tools = body.tools === undefined || body.tools === null ? [] : body.tools;
  if (!Array.isArray(tools)) throw new ResponsesInputError("`tools` must be an array.", "tools");
  const toolChoice = body.tool_choice ?? "auto";
  const req: ResponsesRequest = {
    model: body.model,
    stream: body.stream === true,
    clientTools: toolChoice === "none" ? [] : tools.flatMap((t, i) => functionTool(t, i)),
    tools,
    toolChoice,
    input: body.input,
    metadata: isObject(body.metadata) ? body.metadata : {},
  };
  const user = optString("user");
  const instructions = optString("instructions");
  const previous = optString("previous_response_id");
  if (user !== undefined) req.user = user;
  if (instructions) req.instructions = instructions;
  if (previous) req.previousResponseId = previous;
  if (maxOutputTokens !== undefined) req.maxOutputTokens = maxOutputTokens;
  return req;
}

// Responses-style `{type:"function", name, parameters}`; the Chat Completions nesting is accepted
// too. Hosted tools (web_search, file_search, …) are not ours to run and are left out.
function functionTool(t: unknown, i: number): ToolSpec[] {
  if (!isObject(t) || t.type !== "function") return [];
  const fn = isObject(t.function) ? t.function : t;
  if (typeof fn.name !== "string" || !/^[\w-]{1,64}$/.test(fn.name)) {
    throw new ResponsesInputError(`\`tools[${i}].name\` must be 1-64 letters, digits, _ or -.`, `tools[${i}].name`);
  }
  const parameters = isObject(fn.parameters) ? fn.parameters : { type: "object", properties: {} };
  return [{ name: fn.name, description: typeof fn.description === "string" ? fn.description : "", parameters }];
}

export interface MappedInput {
  /** User, assistant and tool turns, in order, as the transcript stores them. */
  turns: TranscriptMessage[];
  /** Text of system/developer messages, for the system prompt. */
  system: string[];
  /** Files, and images still to fetch: `resolve()` them before the run. */
  attachments: Attachments;
}

/**
 * Maps `input` (a string or items) to transcript turns. `knownCalls` are the function calls of
 * the replayed history (call id -> name): a `function_call_output` must answer one of those or
 * a `function_call` earlier in the same input. `attachments` carries the image and file limits.
 */
export function mapInput(input: unknown, knownCalls: ReadonlyMap<string, string> = new Map(), attachments = new Attachments(), now = Date.now()): MappedInput {
  const out: MappedInput = { turns: [], system: [], attachments };
  if (typeof input === "string") {
    out.turns.push({ role: "user", content: [{ type: "text", text: input }], timestamp: now });
    return out;
  }
  if (!Array.isArray(input)) throw new ResponsesInputError("`input` must be a string or an array of input items.", "input");
  const calls = new Map(knownCalls);
  input.forEach((raw, i) => {
    const param = `input[${i}]`;
    if (!isObject(raw)) throw new ResponsesInputError(`\`${param}\` must be an object.`, param);
    const type = raw.type ?? (raw.role !== undefined ? "message" : undefined);
    if (type === "reasoning" || type === "item_reference") return;
    if (type === "message") return mapMessage(raw, param, out, now);
    // A bare image or file item is a user message holding just that part.
    if (type === "input_image" || type === "input_file") return mapMessage({ role: "user", content: [raw] }, param, out, now, true);
    if (type === "function_call") {
      if (typeof raw.call_id !== "string" || !raw.call_id) throw new ResponsesInputError(`\`${param}.call_id\` must be a non-empty string.`, `${param}.call_id`);
      if (typeof raw.name !== "string" || !raw.name) throw new ResponsesInputError(`\`${param}.name\` must be a non-empty string.`, `${param}.name`);
      const call: ToolCall = { id: raw.call_id, name: raw.name, arguments: parseArguments(raw.arguments) };
      calls.set(call.id, call.name);
      const last = out.turns.at(-1);
      // A model turn is one message item followed by its function_call items: keep them one turn.
      if (last?.role === "assistant") {
        last.content.push({ type: "toolCall", id: call.id, name: call.name, arguments: call.arguments });
        last.stopReason = "toolUse";
      } else out.turns.push(assistantTurn("", [call], now));
      return;
    }
    if (type === "function_call_output") {
      const callId = raw.call_id;
      if (typeof callId !== "string" || !callId) throw new ResponsesInputError(`\`${param}.call_id\` must be a non-empty string.`, `${param}.call_id`);
      const name = calls.get(callId);
      if (name === undefined) throw new ResponsesInputError(`No function_call found for call_id '${callId}'.`, `${param}.call_id`);
      out.turns.push(toolResultMessage({ toolCallId: callId, toolName: name, content: outputText(raw.output, `${param}.output`), timestamp: now }));
      return;
    }
    throw new ResponsesInputError(`Unsupported input item type ${JSON.stringify(type)}.`, `${param}.type`);
  });
  return out;
}

function assistantTurn(text: string, calls: ToolCall[], now: number): TranscriptMessage {
  return fromAssistantTurn({ text, toolCalls: calls, provider: INPUT_PROVIDER, model: "input", stopReason: calls.length ? "tool_calls" : "stop", timestamp: now });
}

function mapMessage(item: Record<string, unknown>, param: string, out: MappedInput, now: number, bare = false): void {
  const role = item.role;
  if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer") {
    throw new ResponsesInputError(`\`${param}.role\` must be one of user, assistant, system, developer.`, `${param}.role`);
  }
  const files = out.attachments.files.length;
  const parts = contentParts(item.content, bare ? param : `${param}.content`, out.attachments, bare);
  const hadFiles = out.attachments.files.length > files;
  const text = parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
  if (role === "system" || role === "developer") {
    if (parts.some((p) => p.type === "image")) throw new ResponsesInputError(`Images are not allowed in ${role} messages.`, `${param}.content`);
    if (text.trim()) out.system.push(text);
  } else if (role === "assistant") {
    if (parts.some((p) => p.type === "image")) throw new ResponsesInputError("Images are not allowed in assistant messages.", `${param}.content`);
    if (hadFiles) throw new ResponsesInputError("Files are not allowed in assistant messages.", `${param}.content`);
    out.turns.push(assistantTurn(text, [], now));
  } else {
    const empty = !parts.some((p) => p.type === "image" || p.text.trim());
    out.turns.push({ role: "user", content: empty && hadFiles ? [{ type: "text", text: FILE_ONLY_USER_MESSAGE }] : parts, timestamp: now });
  }
}

// `bare`: the part is the item itself, so its param has no `[j]`.
function contentParts(content: unknown, param: string, attachments: Attachments, bare = false): Array<TextPart | ImagePart> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new ResponsesInputError(`\`${param}\` must be a string or an array of content parts.`, param);
  return content.flatMap((part, j): Array<TextPart | ImagePart> => {
    const p = bare ? param : `${param}[${j}]`;
    if (!isObject(part)) throw new ResponsesInputError(`\`${p}\` must be an object.`, p);
    if (part.type === "input_text" || part.type === "output_text" || part.type === "text") {
      if (typeof part.text !== "string") throw new ResponsesInputError(`\`${p}.text\` must be a string.`, `${p}.text`);
      return [{ type: "text", text: part.text }];
    }
    if (part.type === "refusal" && typeof part.refusal === "string") return [{ type: "text", text: part.refusal }];
    if (part.type === "input_image") return [attachments.image(part, p)];
    if (part.type === "input_file") {
      attachments.file(part, p);
      return [];
    }
    throw new ResponsesInputError(`Unsupported content part type ${JSON.stringify(part.type)}.`, `${p}.type`);
  });
}

function parseArguments(raw: unknown): Record<string, unknown> {
  if (isObject(raw)) return raw;
  if (typeof raw !== "string" || !raw.trim()) return {};
  try {
    const v: unknown = JSON.parse(raw);
    return isObject(v) ? v : { value: v };
  } catch {
    // Kept, not dropped: the model sees what the caller said it had called.
    return { _raw: raw };
  }
}

function outputText(output: unknown, param: string): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) {
    return output.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : isObject(p) && p.type === "input_image" ? "[image]" : "")).join("\n");
  }
  if (output === undefined || output === null) throw new ResponsesInputError(`\`${param}\` is required.`, param);
  return JSON.stringify(output);
}

/** Function calls in `turns` (id -> name), answered or not. */
export function callsIn(turns: readonly TranscriptMessage[]): Map<string, string> {
  const calls = new Map<string, string>();
  for (const t of turns) {
    if (t.role !== "assistant") continue;
    for (const part of t.content) if (part.type === "toolCall") calls.set(part.id, part.name);
  }
  return calls;
}
