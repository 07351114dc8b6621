// Streams one response as the OpenAI Responses events (`event: <type>` + `data: <json>`, with an
// increasing `sequence_number`), ending in exactly one of response.completed, response.incomplete
// or response.failed, then `data: [DONE]`.
import type { ToolCall, Usage } from "../../../agents/types.js";
import type { SseWriter } from "../sse.js";
import {
  EMPTY_RESPONSE_TEXT,
  functionCallItem,
  messageItem,
  responseResource,
  type MessageItem,
  type OutputItem,
  type ResponseMeta,
  type ResponseResource,
  type RunOutcome,
} from "./responses-resource.js";

export class ResponseEventWriter {
  #seq = 0;
  #message: { item: MessageItem; index: number; text: string } | undefined;
  readonly #output: OutputItem[] = [];
  #ended = false;

  constructor(
    private readonly sse: SseWriter,
    private readonly meta: ResponseMeta,
  ) {}

  /** The items streamed so far (final forms once closed). */
  get output(): OutputItem[] {
    return this.#output;
  }

  #emit(type: string, data: Record<string, unknown>): void {
    this.sse.send({ type, sequence_number: this.#seq++, ...data }, type);
  }

  begin(): void {
    const response = responseResource(this.meta, "in_progress", []);
    this.#emit("response.created", { response });
    this.#emit("response.in_progress", { response });
  }

  /** One text delta; the message item opens on the first. */
  delta(delta: string): void {
    if (!delta || this.#ended) return;
    const m = this.#openMessage();
    m.text += delta;
    this.#emit("response.output_text.delta", { item_id: m.item.id, output_index: m.index, content_index: 0, delta, logprobs: [] });
  }

  /** Closes the items, writes the final event and `[DONE]`. */
  finish(text: string, calls: readonly ToolCall[], outcome: RunOutcome, usage: Usage | undefined): ResponseResource {
    if (!this.#message && calls.length === 0) this.delta(text || EMPTY_RESPONSE_TEXT);
    else if (this.#message && text.startsWith(this.#message.text)) this.delta(text.slice(this.#message.text.length));
    else if (!this.#message && text) this.delta(text);
    this.#closeMessage("completed");
    for (const call of calls) {
      const item = functionCallItem(call);
      const output_index = this.#output.length;
      this.#output.push(item);
      this.#emit("response.output_item.added", { output_index, item: { ...item, arguments: "", status: "in_progress" } });
      this.#emit("response.function_call_arguments.delta", { item_id: item.id, output_index, delta: item.arguments });
      this.#emit("response.function_call_arguments.done", { item_id: item.id, output_index, name: item.name, arguments: item.arguments });
      this.#emit("response.output_item.done", { output_index, item });
    }
    const response = responseResource(this.meta, outcome.status, this.#output, { usage, outcome });
    this.#emit(outcome.status === "incomplete" ? "response.incomplete" : "response.completed", { response });
    this.#end();
    return response;
  }

  /** The run failed: response.failed with what was produced, never a completed after it. */
  fail(outcome: RunOutcome, usage: Usage | undefined): ResponseResource {
    this.#closeMessage("incomplete");
    const response = responseResource(this.meta, "failed", this.#output, { usage, outcome });
    this.#emit("response.failed", { response });
    this.#end();
    return response;
  }

  #end(): void {
    this.#ended = true;
    this.sse.done();
  }

  #openMessage(): { item: MessageItem; index: number; text: string } {
    if (this.#message) return this.#message;
    const item = messageItem("", "in_progress");
    const index = this.#output.length;
    this.#output.push(item);
    this.#message = { item, index, text: "" };
    this.#emit("response.output_item.added", { output_index: index, item: { ...item, content: [] } });
    this.#emit("response.content_part.added", { item_id: item.id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
    return this.#message;
  }

  #closeMessage(status: "completed" | "incomplete"): void {
    const m = this.#message;
    if (!m || m.item.status !== "in_progress") return;
    const part = { type: "output_text" as const, text: m.text, annotations: [] };
    m.item.content = [part];
    m.item.status = status;
    const at = { item_id: m.item.id, output_index: m.index, content_index: 0 };
    this.#emit("response.output_text.done", { ...at, text: m.text, logprobs: [] });
    this.#emit("response.content_part.done", { ...at, part });
    this.#emit("response.output_item.done", { output_index: m.index, item: m.item });
  }
}
