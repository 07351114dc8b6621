// One agent run: prompt assembly, history, the streaming model turn, tool calls in a bounded
// loop, and the transcript: the user turn is in the file before the model is called (its fsync
// runs alongside the call and must succeed before anything the model said is stored), and
// partial text is kept when a run is aborted or fails mid-stream. HTTP callers may instead bring their
// own conversation (`context`, nothing stored) and their own function tools (`clientTools`): a
// call to one of those ends the run and is handed back to the caller.
import type { OpenClawConfig } from "../../config/schema.js";
import type { SubsystemLogger } from "../../logging/logger.js";
import type { AgentSettings } from "../agent-config.js";
import { buildSystemPrompt, estimateTokens } from "../prompt.js";
import { detectOllama, resolveModelRef } from "../providers/resolve.js";
import type { SecretValues } from "../../secrets/values.js";
import { streamWithFallback } from "../providers/fallback.js";
import { toChatMessages } from "../sessions/convert.js";
import type { SessionStore, TranscriptMessage } from "../sessions/store.js";
import { runTool, type ToolPolicy } from "../tools/index.js";
import type { RunResources } from "./run-resources.js";
import { ProviderError, type ChatMessage, type ContentBlock, type ResolvedModel, type StopReason, type ToolCall, type ToolChoice, type ToolSpec, type Usage } from "../types.js";
import type { AbortReason, RunErrorKind, RunEvent, RunResult } from "./run-events.js";
import { compactHistory } from "./compaction.js";

export const MAX_TOOL_STEPS = 12;

export interface RunInput {
  runId: string;
  agent: AgentSettings;
  sessionKey: string;
  message: string;
  images?: ContentBlock[];
  extraSystemPrompt?: string;
  /** Replaces the agent's model chain (one `provider/model`). */
  modelOverride?: string;
  /** The whole conversation, supplied by the caller: no stored history is read and nothing is written. */
  context?: ChatMessage[];
  /** Function tools the caller executes itself. */
  clientTools?: ToolSpec[];
  /** Forced on the first model call only: forcing every step would never let a tool loop end. */
  toolChoice?: ToolChoice;
  maxTokens?: number;
  /** False: the model may answer in one piece (see RunRequest.incremental). */
  incremental?: boolean;
  /** The ingress channel, recorded as the session's `channel` (stored sessions only). */
  channel?: string;
}

export interface RunDeps {
  config: OpenClawConfig;
  env: NodeJS.ProcessEnv;
  /** The active secrets snapshot (provider keys given as SecretRefs). */
  secrets?: SecretValues;
  sessions: SessionStore;
  log: SubsystemLogger;
  emit: (event: RunEvent) => void;
  resources: RunResources;
  signal: AbortSignal;
  abortReason: () => AbortReason;
}

function errorKind(err: unknown): RunErrorKind {
  if (err instanceof ProviderError) {
    if (err.kind === "auth") return "auth";
    if (err.kind === "rate_limit") return "rate_limit";
    if (err.kind === "timeout") return "timeout";
    if (err.kind === "context_length") return "context_length";
  }
  return "unknown";
}

function addUsage(total: Usage | undefined, u: Usage): Usage {
  if (!total) return { ...u };
  return {
    input: total.input + u.input,
    output: total.output + u.output,
    cacheRead: (total.cacheRead ?? 0) + (u.cacheRead ?? 0),
    cacheWrite: (total.cacheWrite ?? 0) + (u.cacheWrite ?? 0),
  };
}

function assistantEntry(text: string, calls: ToolCall[], model: ResolvedModel | undefined, usage: Usage | undefined, stopReason: string): TranscriptMessage {
  const content: Record<string, unknown>[] = [];
  if (text) content.push({ type: "text", text });
  for (const c of calls) content.push({ type: "toolCall", id: c.id, name: c.name, arguments: c.arguments });
  const msg: Record<string, unknown> = { role: "assistant", content, timestamp: Date.now(), stopReason };
  if (model) Object.assign(msg, { provider: model.provider, model: model.model });
  if (usage) msg.usage = { ...usage, totalTokens: usage.input + usage.output };
  return msg as unknown as TranscriptMessage;
}

/** How the session's last run went, kept in its index entry (spec 3.4's row fields) so it outlives the run. */
function runFields(status: "done" | "failed" | "killed" | "timeout", startedAt: number, endedAt: number) {
  return { status, startedAt, endedAt, runtimeMs: Math.max(0, endedAt - startedAt) };
}

/** Where a run's turns go: the session's transcript, or nowhere for caller-supplied context. */
interface Transcript {
  sessionId: string;
  append(messages: TranscriptMessage[]): Promise<unknown>;
  /** Resolves once written; `durable` once fsynced. */
  appendWritten(messages: TranscriptMessage[]): Promise<{ durable: Promise<unknown> }>;
  patch(fields: Record<string, unknown>): Promise<unknown>;
}

async function openTranscript(input: RunInput, sessions: SessionStore): Promise<Transcript> {
  if (input.context) {
    return { sessionId: "", append: async () => undefined, appendWritten: async () => ({ durable: Promise.resolve() }), patch: async () => undefined };
  }
  const { agent, sessionKey } = input;
  const entry = await sessions.resolve(agent.id, sessionKey);
  // Only into the conversation opened here, never into one a reset or delete put in its place.
  const scope = { sessionId: entry.sessionId };
  return {
    sessionId: entry.sessionId,
    append: (messages) => sessions.append(agent.id, sessionKey, messages, scope),
    appendWritten: (messages) => sessions.appendWritten(agent.id, sessionKey, messages, scope),
    patch: (fields) => sessions.patch(agent.id, sessionKey, fields, scope),
  };
}

async function modelChain(input: RunInput, deps: RunDeps): Promise<ResolvedModel[]> {
  let refs = input.modelOverride ? [input.modelOverride] : input.agent.models;
  if (refs.length === 0) {
    // Nothing configured and no API keys: a local Ollama is used when it answers.
    const local = await detectOllama(deps.signal);
    if (local?.[0]) refs = [`ollama/${local[0]}`];
  }
  if (refs.length === 0) {
    throw new Error(
      `no model configured for agent "${input.agent.id}": set agents.defaults.model (e.g. "openai/gpt-4o-mini") and models.providers, set OPENAI_API_KEY or ANTHROPIC_API_KEY, or run Ollama on 127.0.0.1:11434`,
    );
  }
  return refs.map((r) => resolveModelRef(r, deps.config, deps.env, deps.secrets));
}

export async function executeRun(input: RunInput, deps: RunDeps): Promise<RunResult> {
  const { agent, sessionKey } = input;
  const startedAt = Date.now();
  deps.emit({ type: "start", startedAt });
  const transcript = await openTranscript(input, deps.sessions);
  let text = "";
  let usage: Usage | undefined;
  let model: ResolvedModel | undefined;
  let stopReason: StopReason = "stop";
  let clientCalls: ToolCall[] = [];

  const finish = (extra: Partial<RunResult> & Pick<RunResult, "status">): RunResult => {
    const result: RunResult = { runId: input.runId, sessionKey, agentId: agent.id, startedAt, sessionId: transcript.sessionId, text, endedAt: Date.now(), ...extra };
    if (usage) result.usage = usage;
    if (model) result.model = { provider: model.provider, model: model.model };
    if (clientCalls.length) result.toolCalls = clientCalls;
    return result;
  };

  const userContent: Record<string, unknown>[] = [{ type: "text", text: input.message }, ...(input.images ?? [])];
  const userTurn = await transcript.appendWritten([{ role: "user", content: userContent, timestamp: Date.now() } as unknown as TranscriptMessage]);

  let stepText = "";
  let calls: ToolCall[] = [];
  try {
    const chain = await modelChain(input, deps);
    await deps.resources.workspace(agent);
    const { tools, specs: agentSpecs } = deps.resources.toolset(agent.tools as ToolPolicy);
    const clientNames = new Set((input.clientTools ?? []).map((t) => t.name));
    const specs = clientNames.size ? [...agentSpecs.filter((t) => !clientNames.has(t.name)), ...input.clientTools!] : agentSpecs;
    const toolNames = tools.map((t) => t.name);
    const systemPrompt = (summary?: string) =>
      buildSystemPrompt({ agent, extraSystemPrompt: input.extraSystemPrompt, summary, toolNames, bootstrap: deps.resources.bootstrap });
    let messages: ChatMessage[];
    let system: string;
    if (input.context) {
      messages = [...input.context];
      system = await systemPrompt();
    } else {
      let history = await deps.sessions.history(agent.id, sessionKey);
      system = await systemPrompt(history.summary);
      messages = toChatMessages(history.messages);
      const budget = Math.floor(chain[0]!.contextWindow * 0.8);
      if (estimateTokens(system + JSON.stringify(messages)) > budget) {
        deps.emit({ type: "compaction-start" });
        let completed = false;
        try {
          const compaction = { agentId: agent.id, sessionKey, sessions: deps.sessions, model: chain[0]!, signal: deps.signal, keepLastTokens: Math.floor(budget / 2), log: deps.log };
          completed = (await compactHistory(compaction)).compacted;
        } finally {
          // Compaction here precedes the model call, so no call is ever retried after it.
          deps.emit({ type: "compaction-end", completed, willRetry: false });
        }
        history = await deps.sessions.history(agent.id, sessionKey);
        system = await systemPrompt(history.summary);
        messages = toChatMessages(history.messages);
      }
    }

    for (let step = 1; ; step++) {
      stepText = "";
      calls = [];
      const req = {
        system,
        messages,
        tools: step <= MAX_TOOL_STEPS ? specs : [],
        ...(step === 1 && input.toolChoice ? { toolChoice: input.toolChoice } : {}),
        signal: deps.signal,
        ...(input.maxTokens ? { maxTokens: input.maxTokens } : {}),
        ...(input.incremental === false ? { incremental: false } : {}),
      };
      for await (const ev of streamWithFallback(chain, req)) {
        if (ev.type === "model") {
          model = ev.model;
          deps.emit({ type: "model", model: ev.model });
        } else if (ev.type === "text-delta") {
          const sep = stepText === "" && text !== "" ? "\n\n" : "";
          stepText += ev.text;
          text += sep + ev.text;
          deps.emit({ type: "text-delta", delta: sep + ev.text, text });
        } else if (ev.type === "tool-call") calls.push(ev.call);
        else if (ev.type === "usage") {
          usage = addUsage(usage, ev.usage);
          deps.emit({ type: "usage", usage: ev.usage });
        } else if (ev.type === "stop") stopReason = ev.reason;
      }
      // Long done by now (a model call outlasts an fsync), but its failure must fail the run.
      if (step === 1) await userTurn.durable;
      await transcript.append([assistantEntry(stepText, calls, model, usage, calls.length ? "toolUse" : stopReason)]);
      if (calls.length === 0) break;
      messages.push({ role: "assistant", content: stepText, toolCalls: calls });
      const results: TranscriptMessage[] = [];
      for (const call of calls) {
        if (clientNames.has(call.name)) continue;
        deps.emit({ type: "tool-call", call });
        const r = await runTool(tools, call, { workspace: agent.workspace, signal: deps.signal, agentId: agent.id, sessionKey });
        const outcome = { content: r.content, isError: r.isError === true };
        deps.emit({ type: "tool-result", call, result: outcome });
        messages.push({ role: "tool", toolCallId: call.id, toolName: call.name, content: r.content, isError: outcome.isError });
        results.push({ role: "toolResult", toolCallId: call.id, toolName: call.name, content: [{ type: "text", text: r.content }], isError: outcome.isError, timestamp: Date.now() } as unknown as TranscriptMessage);
      }
      await transcript.append(results);
      clientCalls = calls.filter((c) => clientNames.has(c.name));
      if (clientCalls.length > 0) {
        // The caller runs these itself and continues the conversation with their results.
        stopReason = "tool_calls";
        deps.emit({ type: "client-tool-calls", calls: clientCalls });
        break;
      }
      if (deps.signal.aborted) throw deps.signal.reason ?? new Error("aborted");
      if (step > MAX_TOOL_STEPS) break;
    }
    const endedAt = Date.now();
    await transcript.patch({
      ...(model ? { model: model.model, modelProvider: model.provider, contextTokens: model.contextWindow } : {}),
      ...(usage ? { inputTokens: usage.input, outputTokens: usage.output, totalTokens: usage.input + usage.output } : {}),
      ...(input.channel ? { channel: input.channel } : {}),
      ...runFields("done", startedAt, endedAt),
      abortedLastRun: false,
    });
    deps.emit({ type: "end", text, stopReason, endedAt });
    return finish({ status: "ok", stopReason });
  } catch (err) {
    // Whatever the run's outcome, its user turn is synced (or has failed to be) before it is told.
    await userTurn.durable.catch(() => {});
    if (stepText || calls.length) {
      // Keep what the model had said when the run stopped.
      await transcript.append([assistantEntry(stepText, [], model, usage, deps.signal.aborted ? "aborted" : "error")]).catch(() => {});
    }
    if (deps.signal.aborted) {
      const reason = deps.abortReason();
      const endedAt = Date.now();
      await transcript.patch({ ...runFields(reason === "timeout" ? "timeout" : "killed", startedAt, endedAt), abortedLastRun: true }).catch(() => {});
      deps.emit({ type: "aborted", reason, text, endedAt });
      return finish({ status: "aborted", abortReason: reason, stopReason: "stop" });
    }
    const kind = errorKind(err);
    const message = err instanceof Error ? err.message : String(err);
    deps.log.warn(`run failed run=${input.runId} session=${sessionKey}: ${message}`);
    const endedAt = Date.now();
    await transcript.patch(runFields(kind === "timeout" ? "timeout" : "failed", startedAt, endedAt)).catch(() => {});
    deps.emit({ type: "error", message, kind, text, endedAt });
    const result = finish({ status: "error", error: { kind, message } });
    if (err instanceof ProviderError) result.error!.providerStatus = err.status;
    return result;
  }
}
