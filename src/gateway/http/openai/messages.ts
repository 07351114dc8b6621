// OpenAI-style conversations and tools to the engine's shapes, shared by /v1/chat/completions and
// /v1/responses: system text, ChatMessage turns (images inline or fetched from URLs), client
// function tools, and the current turn a stored session takes. Everything a client can get wrong
// is a 400 with a param.
import type { ChatMessage, ContentBlock, ToolCall, ToolChoice, ToolSpec } from "../../../agents/types.js";
import { OpenAiRequestError } from "./errors.js";
import { base64Bytes, checkInputUrl, IMAGE_MIMES, inputErrors, linkedController, parseBase64DataUrl, urlInputPolicy, type UrlInputPolicy } from "./url-inputs.js";

export { OpenAiRequestError };

export interface ImageLimits {
  /** Image parts per request (reference default 8). */
  maxParts: number;
  /** Decoded bytes of all images together (reference default 20 MiB). */
  maxTotalBytes: number;
  /** Per image: types, size, and whether and where URLs are fetched (`chatCompletions.images`). */
  images: UrlInputPolicy;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxParts: 8,
  maxTotalBytes: 20 * 1024 * 1024,
  // URLs stay off unless configured, as in the reference: a chat client rarely needs them.
  images: urlInputPolicy("image", "gateway.http.endpoints.chatCompletions.images", undefined, { allowUrl: false, maxBytes: 10 * 1024 * 1024, allowedMimes: IMAGE_MIMES }),
};

export interface Conversation {
  /** System and developer messages, joined with blank lines (the run's `extraSystemPrompt`). */
  system?: string;
  messages: ChatMessage[];
  /** Present when image parts are URLs: fetches them into their blocks (400 on any failure). */
  fetchImages?: (signal?: AbortSignal) => Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
type ImageBlock = Extract<ContentBlock, { type: "image" }>;

/** Counts images across a whole request, so the limits hold for the request, not per part. */
export class ImageBudget {
  #parts = 0;
  #bytes = 0;
  readonly #remote: { url: URL; param: string; block: ImageBlock }[] = [];
  constructor(private readonly limits: ImageLimits = DEFAULT_IMAGE_LIMITS) {}

  /**
   * A `data:` URL as an image block. An http(s) URL, where the policy allows it, gives a block
   * that `fetchRemote` fills in; until then it is empty.
   */
  fromUrl(url: unknown, param: string): ContentBlock {
    if (typeof url !== "string" || !url) throw new OpenAiRequestError("Image part needs a `url`.", param);
    const policy = this.limits.images;
    if (/^https?:/i.test(url)) {
      const checked = checkInputUrl(url, policy, param);
      this.#count(param);
      const block: ImageBlock = { type: "image", mimeType: "", data: "" };
      this.#remote.push({ url: checked, param, block });
      return block;
    }
    const parsed = parseBase64DataUrl(url);
    if (!parsed) throw new OpenAiRequestError("Invalid image data URL; expected data:<mime>;base64,<data>.", param);
    const { mime: mimeType, data } = parsed;
    if (!policy.allowedMimes.includes(mimeType)) throw inputErrors.unsupportedType(policy, mimeType, param);
    this.#count(param);
    const bytes = base64Bytes(data);
    if (bytes > policy.maxBytes) throw inputErrors.tooLarge(policy, policy.maxBytes, param);
    this.#add(bytes, param);
    return { type: "image", mimeType, data };
  }

  get hasRemote(): boolean {
    return this.#remote.length > 0;
  }

  /**
   * Fetches the URL images into their blocks, together; the first failure cancels the rest, and
   * so does `signal` (the client went away).
   */
  async fetchRemote(signal?: AbortSignal): Promise<void> {
    if (!this.hasRemote) return;
    const { fetchImage } = await import("./input-fetch.js");
    const room = this.limits.maxTotalBytes - this.#bytes;
    const cancel = linkedController(signal);
    const fetched = await Promise.all(
      this.#remote.map(async ({ url, param }) => {
        try {
          return await fetchImage(url, this.limits.images, param, { maxBytes: room, signal: cancel.signal });
        } catch (err) {
          cancel.abort();
          // Over the room the other images left is over the request's total, not the per-image cap.
          if (err instanceof OpenAiRequestError && err.code === "image_too_large" && room < this.limits.images.maxBytes) throw this.#totalError(param);
          throw err;
        }
      }),
    );
    fetched.forEach((f, i) => {
      const { block, param } = this.#remote[i]!;
      this.#add(f.bytes, param);
      block.mimeType = f.mimeType;
      block.data = f.data;
    });
  }

  #count(param: string): void {
    if (++this.#parts > this.limits.maxParts) throw new OpenAiRequestError(`Too many images (max ${this.limits.maxParts}).`, param);
  }

  #add(bytes: number, param: string): void {
    this.#bytes += bytes;
    if (this.#bytes > this.limits.maxTotalBytes) throw this.#totalError(param);
  }

  #totalError(param: string): OpenAiRequestError {
    return new OpenAiRequestError(`Images too large (max ${this.limits.maxTotalBytes} bytes in total).`, param, "images_too_large");
  }
}

/** Text of string-or-parts content (`text`, `input_text`, `output_text`, `refusal` parts). */
export function textOf(content: unknown, param: string): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new OpenAiRequestError("`content` must be a string or an array of content parts.", param);
  return content
    .map((p) => (isObj(p) && typeof p.text === "string" ? p.text : isObj(p) && typeof p.refusal === "string" ? p.refusal : ""))
    .filter(Boolean)
    .join("\n");
}

/** User content: a string, or text and image parts (chat `image_url` and responses `input_image`). */
export function userContent(content: unknown, param: string, images: ImageBudget): string | ContentBlock[] {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (!Array.isArray(content)) throw new OpenAiRequestError("`content` must be a string or an array of content parts.", param);
  const blocks: ContentBlock[] = [];
  content.forEach((part, i) => {
    const at = `${param}[${i}]`;
    if (!isObj(part)) throw new OpenAiRequestError("Content part must be an object.", at);
    if (part.type === "text" || part.type === "input_text") {
      if (typeof part.text !== "string") throw new OpenAiRequestError("Text part needs a string `text`.", `${at}.text`);
      if (part.text) blocks.push({ type: "text", text: part.text });
    } else if (part.type === "image_url" || part.type === "input_image") {
      const ref = part.image_url;
      blocks.push(images.fromUrl(isObj(ref) ? ref.url : ref, `${at}.image_url`));
    } else {
      throw new OpenAiRequestError(`Unsupported content part type '${String(part.type)}'.`, `${at}.type`);
    }
  });
  return blocks;
}

/** Tool-call arguments as sent over the wire (a JSON string) to an object; anything unparsable is `{}`. */
export function parseToolArguments(args: unknown): Record<string, unknown> {
  if (isObj(args)) return args;
  if (typeof args !== "string" || !args.trim()) return {};
  try {
    const v: unknown = JSON.parse(args);
    // Another backend may have produced this call with malformed arguments; the turn is still replayable.
    return isObj(v) ? v : {};
  } catch {
    return {};
  }
}

function assistantToolCalls(m: Obj, param: string, legacyId: string): ToolCall[] {
  const calls: ToolCall[] = [];
  if (Array.isArray(m.tool_calls)) {
    m.tool_calls.forEach((c, j) => {
      const fn = isObj(c) && isObj(c.function) ? c.function : undefined;
      if (!isObj(c) || typeof c.id !== "string" || !fn || typeof fn.name !== "string") {
        throw new OpenAiRequestError("Tool call needs `id` and `function.name`.", `${param}.tool_calls[${j}]`);
      }
      calls.push({ id: c.id, name: fn.name, arguments: parseToolArguments(fn.arguments) });
    });
  }
  if (isObj(m.function_call) && typeof m.function_call.name === "string") {
    calls.push({ id: legacyId, name: m.function_call.name, arguments: parseToolArguments(m.function_call.arguments) });
  }
  return calls;
}

/** Chat Completions `messages` to a system prompt and engine turns. */
export function mapChatMessages(input: unknown, limits: ImageLimits = DEFAULT_IMAGE_LIMITS, param = "messages"): Conversation {
  if (!Array.isArray(input)) throw new OpenAiRequestError(`\`${param}\` must be an array.`, param);
  const images = new ImageBudget(limits);
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  const callNames = new Map<string, string>();
  let legacyCall: ToolCall | undefined;
  input.forEach((m, i) => {
    const at = `${param}[${i}]`;
    if (!isObj(m) || typeof m.role !== "string") throw new OpenAiRequestError("Each message needs a `role`.", at);
    switch (m.role) {
      case "system":
      case "developer": {
        const text = textOf(m.content, `${at}.content`).trim();
        if (text) system.push(text);
        return;
      }
      case "user": {
        const content = userContent(m.content, `${at}.content`, images);
        if (content.length > 0) messages.push({ role: "user", content });
        return;
      }
      case "assistant": {
        const text = textOf(m.content, `${at}.content`);
        const toolCalls = assistantToolCalls(m, at, `call_legacy_${i}`);
        for (const c of toolCalls) callNames.set(c.id, c.name);
        if (isObj(m.function_call)) legacyCall = toolCalls[toolCalls.length - 1];
        if (!text && toolCalls.length === 0) return;
        messages.push(toolCalls.length ? { role: "assistant", content: text, toolCalls } : { role: "assistant", content: text });
        return;
      }
      case "tool": {
        if (typeof m.tool_call_id !== "string" || !m.tool_call_id) throw new OpenAiRequestError("Tool message needs `tool_call_id`.", `${at}.tool_call_id`);
        const toolName = callNames.get(m.tool_call_id) ?? (typeof m.name === "string" ? m.name : "tool");
        messages.push({ role: "tool", toolCallId: m.tool_call_id, toolName, content: textOf(m.content, `${at}.content`) });
        return;
      }
      case "function": {
        // Legacy function calling: the result answers the latest assistant `function_call`.
        const toolName = typeof m.name === "string" ? m.name : (legacyCall?.name ?? "function");
        messages.push({ role: "tool", toolCallId: legacyCall?.id ?? `call_legacy_${i}`, toolName, content: textOf(m.content, `${at}.content`) });
        legacyCall = undefined;
        return;
      }
      default:
        throw new OpenAiRequestError(`Invalid role '${m.role}'.`, `${at}.role`);
    }
  });
  return { ...(system.length ? { system: system.join("\n\n") } : {}), messages, ...(images.hasRemote ? { fetchImages: (signal?: AbortSignal) => images.fetchRemote(signal) } : {}) };
}

function hasContent(m: ChatMessage): boolean {
  if (m.role !== "user") return false;
  if (typeof m.content === "string") return m.content.trim() !== "";
  return m.content.some((b) => b.type === "image" || b.text.trim() !== "");
}

/** Throws the reference's 400 unless some user turn has text or an image. */
export function requireUserMessage(messages: readonly ChatMessage[], param = "messages"): void {
  if (!messages.some(hasContent)) throw new OpenAiRequestError(`Missing user message in \`${param}\`.`, param);
}

/**
 * The turn a stored session appends (it already holds everything before): the last user message,
 * or, when the client continues after its own tool calls, their results rendered as text (the
 * engine's stored turn is a user message; the dangling call is closed by the transcript replay).
 */
export function currentTurn(messages: readonly ChatMessage[]): { message: string; images: ContentBlock[] } {
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === "user") {
      last = i;
      break;
    }
  }
  const results = messages.slice(last + 1).filter((m): m is Extract<ChatMessage, { role: "tool" }> => m.role === "tool");
  if (results.length > 0) {
    const lines = results.map((r) => `[${r.toolName} ${r.toolCallId}]\n${r.content}`);
    return { message: `Results of your tool calls:\n\n${lines.join("\n\n")}`, images: [] };
  }
  const user = messages[last];
  if (!user || user.role !== "user") return { message: "", images: [] };
  if (typeof user.content === "string") return { message: user.content, images: [] };
  const text = user.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n");
  return { message: text, images: user.content.filter((b) => b.type === "image") };
}

const TOOL_NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

/** The function a `tool_choice` names, in the chat (`{function:{name}}`) or the responses / legacy (`{name}`) shape. */
function choiceName(toolChoice: unknown): string | undefined {
  const name = isObj(toolChoice) ? (isObj(toolChoice.function) ? toolChoice.function.name : toolChoice.name) : undefined;
  return typeof name === "string" ? name : undefined;
}

/**
 * The caller's `tool_choice` (chat: "auto" | "none" | "required" | {type:"function",
 * function:{name}}; responses: {type:"function", name}; legacy `function_call`: {name}) as what
 * the model must do; undefined leaves it to the model ("auto", and "none", which drops the
 * client's tools instead: the agent keeps its own). Validated against the client's tools.
 */
export function mapToolChoice(toolChoice: unknown, tools: readonly ToolSpec[] | undefined, param = "tool_choice"): ToolChoice | undefined {
  if (toolChoice === undefined || toolChoice === null || toolChoice === "auto" || toolChoice === "none" || !tools?.length) return undefined;
  if (toolChoice === "required") return "required";
  const name = choiceName(toolChoice);
  if (name === undefined) throw new OpenAiRequestError("`tool_choice` must be \"auto\", \"none\", \"required\" or a function.", param);
  if (!tools.some((t) => t.name === name)) throw new OpenAiRequestError(`tool_choice names an unknown function '${name}'.`, param);
  return { name };
}

/**
 * Client function tools, in the chat shape (`{type:"function", function:{name,...}}`) or the
 * responses shape (`{type:"function", name, ...}`). `tool_choice` "none" drops them; a named
 * function keeps only that one. Returns undefined when there are none.
 */
export function mapClientTools(tools: unknown, toolChoice: unknown, param = "tools"): ToolSpec[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw new OpenAiRequestError(`\`${param}\` must be an array.`, param);
  const specs = tools.map((t, i): ToolSpec => {
    const at = `${param}[${i}]`;
    if (!isObj(t) || t.type !== "function") throw new OpenAiRequestError("Only `function` tools are supported.", `${at}.type`);
    const fn = isObj(t.function) ? t.function : t;
    if (typeof fn.name !== "string" || !TOOL_NAME_RE.test(fn.name)) {
      throw new OpenAiRequestError("Tool name must be 1-64 letters, digits, `_` or `-`.", `${at}.function.name`);
    }
    const parameters = isObj(fn.parameters) ? fn.parameters : { type: "object", properties: {} };
    return { name: fn.name, description: typeof fn.description === "string" ? fn.description : "", parameters };
  });
  if (toolChoice === "none" || specs.length === 0) return undefined;
  const chosen = choiceName(toolChoice);
  if (chosen !== undefined) {
    const only = specs.filter((s) => s.name === chosen);
    if (only.length === 0) throw new OpenAiRequestError(`tool_choice names an unknown function '${chosen}'.`, "tool_choice");
    return only;
  }
  return specs;
}
