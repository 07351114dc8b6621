// The run engine: turns requests into runs with a queue per session, a global concurrency cap,
// timeouts and aborts, and hands each run's event stream to whoever watches (the views).
import { randomUUID } from "node:crypto";
import type { OpenClawConfig } from "../../config/schema.js";
import type { SubsystemLogger } from "../../logging/logger.js";
import { DEFAULT_MAX_CONCURRENT, resolveAgent, type AgentSettings } from "../agent-config.js";
import type { SessionStore } from "../sessions/store.js";
import type { SecretValues } from "../../secrets/values.js";
import type { ChatMessage, ContentBlock, ToolChoice, ToolSpec } from "../types.js";
import { KeyedQueue, Semaphore } from "./concurrency.js";
import { DedupeCache } from "./dedupe.js";
import type { executeRun } from "./run.js";
import type { RunResources } from "./run-resources.js";
import type { AbortReason, RunEvent, RunListener, RunResult } from "./run-events.js";

export interface RunRequest {
  runId?: string;
  /**
   * The caller's idempotency entry (`agent:<key>`, `chat:<key>`; spec 3.5): a live run answers
   * retries of that entry only, even once the dedupe cache has forgotten it.
   */
  dedupeKey?: string;
  agentId: string;
  sessionKey: string;
  message: string;
  images?: ContentBlock[];
  extraSystemPrompt?: string;
  modelOverride?: string;
  timeoutMs?: number;
  /** Caller-supplied conversation (HTTP API): used instead of stored history; nothing is stored. */
  context?: ChatMessage[];
  /** Function tools the caller executes itself. */
  clientTools?: ToolSpec[];
  /** What the model must do with its tools on its first call (the caller's `tool_choice`). */
  toolChoice?: ToolChoice;
  maxTokens?: number;
  /**
   * False when nobody needs the text as it comes (a non-stream HTTP answer): the model may be
   * asked for its whole answer at once (StreamRequest.incremental). Events are the same.
   */
  incremental?: boolean;
  /** The channel the turn came in on (`telegram`, `webchat`, ...): the session's `channel` once the run succeeds. */
  channel?: string;
  /**
   * A background run (heartbeat): its chat deltas are held back, and a reply this calls silent
   * ends with a message-less `final` (spec 3.3, "a suppressed heartbeat").
   */
  silentReply?: (text: string) => boolean;
}

export interface EngineDeps {
  config(): OpenClawConfig;
  env: NodeJS.ProcessEnv;
  stateDir: string;
  sessions: SessionStore;
  /** Resolved when needed: the gateway's logger exists only once it has started. */
  log: () => SubsystemLogger;
  /** The active secrets snapshot, read when a run starts. */
  secrets?: () => SecretValues;
}

/** A run in the engine: queued, running, then done. Views subscribe to its events. */
export class RunHandle {
  readonly startedAt = Date.now();
  status: "queued" | "running" | "done" = "queued";
  text = "";
  /** Set for background runs (see RunRequest.silentReply). */
  silentReply: ((text: string) => boolean) | undefined;
  #listeners = new Set<RunListener>();
  readonly #controller = new AbortController();
  #abortReason: AbortReason = "rpc";
  #resolve!: (r: RunResult) => void;
  readonly done: Promise<RunResult>;

  constructor(
    readonly runId: string,
    readonly agentId: string,
    readonly sessionKey: string,
    readonly dedupeKey?: string,
  ) {
    this.done = new Promise((r) => (this.#resolve = r));
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get abortReason(): AbortReason {
    return this.#abortReason;
  }

  subscribe(listener: RunListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  abort(reason: AbortReason = "rpc"): boolean {
    if (this.status === "done" || this.#controller.signal.aborted) return false;
    this.#abortReason = reason;
    this.#controller.abort(new Error(`run aborted (${reason})`));
    return true;
  }

  /** @internal */
  emit(event: RunEvent): void {
    if (event.type === "text-delta") this.text = event.text;
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A broken view never breaks the run.
      }
    }
  }

  /** @internal */
  settle(result: RunResult): void {
    this.status = "done";
    this.#listeners.clear();
    this.#resolve(result);
  }
}

export class RunEngine {
  readonly #queue = new KeyedQueue();
  readonly #semaphore: Semaphore;
  readonly #active = new Map<string, RunHandle>();
  readonly #finished = new DedupeCache<RunResult>();
  readonly #watchers = new Set<(run: RunHandle) => void>();
  /** The run machinery (model providers, tools, compaction): imported by the first run, not at startup. */
  #runtime: Promise<{ executeRun: typeof executeRun; resources: RunResources }> | undefined;
  #accepting = true;

  constructor(private readonly deps: EngineDeps) {
    // The limit follows config: it is refreshed each time a run starts.
    this.#semaphore = new Semaphore(DEFAULT_MAX_CONCURRENT);
  }

  /** Called for every new run, before it starts (views attach here). */
  onRun(watcher: (run: RunHandle) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  agent(agentId: string): AgentSettings | undefined {
    return resolveAgent(this.deps.config(), agentId, this.deps.env, this.deps.stateDir);
  }

  get(runId: string): RunHandle | undefined {
    return this.#active.get(runId);
  }

  result(runId: string): RunResult | undefined {
    return this.#finished.get(runId);
  }

  activeForSession(sessionKey: string): RunHandle[] {
    return [...this.#active.values()].filter((r) => r.sessionKey === sessionKey);
  }

  get activeCount(): number {
    return this.#active.size;
  }

  abortSession(sessionKey: string, reason: AbortReason = "rpc"): string[] {
    return this.activeForSession(sessionKey)
      .filter((r) => r.abort(reason))
      .map((r) => r.runId);
  }

  /**
   * Aborts the session's runs and runs `task` (a reset, a delete) in the session's queue: after
   * those runs have made their last writes (the partial reply, abortedLastRun) to the
   * conversation they opened, and before any run started after this call.
   */
  afterSessionRuns<T>(sessionKey: string, reason: AbortReason, task: () => Promise<T>): Promise<T> {
    this.abortSession(sessionKey, reason);
    return this.#queue.run(sessionKey, task);
  }

  /** Queues a run; throws for an unknown agent, a runId already running, or while shutting down. */
  start(req: RunRequest): RunHandle {
    if (!this.#accepting) throw new Error("the gateway is shutting down; not starting new runs");
    // Two live runs under one id would share its handle slot: the first to end would drop the other.
    if (req.runId !== undefined && this.#active.has(req.runId)) throw new Error(`run ${req.runId} is already active`);
    const agent = this.agent(req.agentId);
    if (!agent) throw new Error(`unknown agent id "${req.agentId}"`);
    this.#semaphore.setLimit(this.deps.config().agents?.defaults?.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
    const handle = new RunHandle(req.runId ?? randomUUID(), agent.id, req.sessionKey, req.dedupeKey);
    handle.silentReply = req.silentReply;
    this.#active.set(handle.runId, handle);
    for (const w of this.#watchers) w(handle);
    void this.#queue.run(req.sessionKey, () => this.#execute(handle, agent, req));
    return handle;
  }

  async #execute(handle: RunHandle, agent: AgentSettings, req: RunRequest): Promise<void> {
    let release: (() => void) | undefined;
    const timeoutMs = req.timeoutMs ?? agent.timeoutSeconds * 1000;
    const timer = setTimeout(() => handle.abort("timeout"), timeoutMs);
    let result: RunResult;
    try {
      // The run starts on the next turn of the event loop: what its caller answers in this one
      // (chat.send's ack, agent's "accepted") reaches the wire first, not after the run has
      // built its prompt and sent the model request.
      await new Promise<void>((resolve) => setImmediate(resolve));
      release = await this.#semaphore.acquire(handle.signal);
      const { executeRun, resources } = await this.#loadRuntime();
      handle.status = "running";
      result = await executeRun(
        {
          runId: handle.runId,
          agent,
          sessionKey: req.sessionKey,
          message: req.message,
          ...(req.images ? { images: req.images } : {}),
          ...(req.extraSystemPrompt ? { extraSystemPrompt: req.extraSystemPrompt } : {}),
          ...(req.modelOverride ? { modelOverride: req.modelOverride } : {}),
          ...(req.context ? { context: req.context } : {}),
          ...(req.clientTools ? { clientTools: req.clientTools } : {}),
          ...(req.toolChoice ? { toolChoice: req.toolChoice } : {}),
          ...(req.maxTokens ? { maxTokens: req.maxTokens } : {}),
          ...(req.incremental === false ? { incremental: false } : {}),
          ...(req.channel ? { channel: req.channel } : {}),
        },
        {
          config: this.deps.config(),
          env: this.deps.env,
          ...(this.deps.secrets ? { secrets: this.deps.secrets() } : {}),
          sessions: this.deps.sessions,
          log: this.deps.log(),
          emit: (e) => handle.emit(e),
          resources,
          signal: handle.signal,
          abortReason: () => handle.abortReason,
        },
      );
    } catch (err) {
      // Aborted while queued, or a failure before the run could start.
      const now = Date.now();
      const aborted = handle.signal.aborted;
      const message = err instanceof Error ? err.message : String(err);
      if (aborted) handle.emit({ type: "aborted", reason: handle.abortReason, text: "", endedAt: now });
      else handle.emit({ type: "error", message, kind: "unknown", text: "", endedAt: now });
      result = {
        runId: handle.runId,
        sessionKey: req.sessionKey,
        agentId: agent.id,
        sessionId: "",
        status: aborted ? "aborted" : "error",
        text: "",
        startedAt: handle.startedAt,
        endedAt: now,
        ...(aborted ? { abortReason: handle.abortReason } : { error: { kind: "unknown" as const, message } }),
      };
    } finally {
      clearTimeout(timer);
      release?.();
    }
    this.#active.delete(handle.runId);
    this.#finished.set(handle.runId, result);
    handle.settle(result);
  }

  #loadRuntime(): Promise<{ executeRun: typeof executeRun; resources: RunResources }> {
    return (this.#runtime ??= Promise.all([import("./run.js"), import("./run-resources.js")]).then(([run, res]) => ({
      executeRun: run.executeRun,
      resources: new res.RunResources(),
    })));
  }

  /** Stops taking runs; waits up to `graceMs` for running ones, then aborts the rest. */
  async shutdown(graceMs: number): Promise<void> {
    this.#accepting = false;
    const runs = [...this.#active.values()];
    if (runs.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(runs.map((r) => r.done)), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const r of this.#active.values()) r.abort("shutdown");
    await Promise.all([...this.#active.values()].map((r) => r.done));
  }

  /** Resolves when no run is active, or after `graceMs`; aborts nothing. */
  async whenIdle(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.#active.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const runs = [...this.#active.values()].map((r) => r.done);
      await Promise.race([Promise.all(runs), new Promise<void>((r) => (timer = setTimeout(r, deadline - Date.now())))]);
      clearTimeout(timer);
    }
  }

  resume(): void {
    this.#accepting = true;
  }
}
