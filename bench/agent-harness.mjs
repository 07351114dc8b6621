// What the agent benchmarks share: the fake provider in its own process, a direct streaming call
// to it with fetch (the baseline), and a WS client that runs chat.send and waits for the run's
// chat "final" (agents.mjs, ab-agents.mjs).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, bundleFakeProvider, now, startGateway, stopChild, track, urlLine, wsConnect } from "./lib.mjs";

// ---------------------------------------------------------------------------------------------
// The fake provider, in its own process.

export async function startProvider() {
  const bundle = await bundleFakeProvider("agents-fake");
  const child = track(spawn(process.execPath, [path.join(ROOT, "bench", "fake-provider-runner.mjs"), bundle, "100"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] }));
  const { url, port } = await urlLine(child, "fake provider");
  return { child, url, port, pid: child.pid };
}

/** Stops the provider; resolves what it printed on the way out (`requestCount`, ...). */
export async function stopProvider(p) {
  await stopChild(p.child);
  return p.child.lines.find((j) => j.requestCount !== undefined) ?? {};
}

// ---------------------------------------------------------------------------------------------
// Direct calls: what one streaming chat completion costs without the gateway.

export const DIRECT_BODY = JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });

export async function directCallTo(url, timeoutMs) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k" },
    body: DIRECT_BODY,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.status !== 200 || !text.includes("data: [DONE]")) throw new Error(`direct call: status ${res.status}, body ${text.slice(0, 200)}`);
}

// ---------------------------------------------------------------------------------------------
// Gateway runs over one WS connection: chat.send, then wait for the chat "final" of that run.

export class RunError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

export class ChatClient {
  #seq = 0;
  #runs = new Map(); // runId -> { resolve, reject, timer, t0, ackAt }
  #reqs = new Map(); // req id -> runId it was sent for
  #early = new Map(); // chat end events for runIds not (yet) known under that id
  /** When set, `agent` events are parsed too and runs resolve with a breakdown (costs client CPU). */
  detail = false;
  /** WS frames and bytes received so far (all of them: responses, `agent` and `chat` events, ...). */
  frames = { count: 0, bytes: 0 };
  constructor(ws, runTimeoutMs = 30_000) {
    this.ws = ws;
    this.runTimeoutMs = runTimeoutMs;
    ws.on("message", (data) => this.#onMessage(data));
    ws.on("close", () => {
      for (const [runId, r] of this.#runs) this.#settle(runId, r, new RunError("closed", "connection closed"));
    });
  }

  /**
   * Resolves `{ ackMs, finalMs }` (ms from sending chat.send to its response and to the final
   * event; with `detail` also `startMs`, `firstTextMs`, `endMs`: the agent lifecycle start event,
   * the first assistant text event and the lifecycle end event); rejects with a RunError.
   */
  run(sessionKey, message = "hi") {
    const id = `r${++this.#seq}`;
    const runId = `bench-${process.pid}-${this.#seq}`;
    return new Promise((resolve, reject) => {
      const r = { resolve, reject, t0: now(), ackAt: undefined };
      r.timer = setTimeout(() => this.#settle(this.#keyOf(r), r, new RunError("timeout", `no final within ${this.runTimeoutMs} ms`)), this.runTimeoutMs);
      this.#runs.set(runId, r);
      this.#reqs.set(id, runId);
      this.ws.send(JSON.stringify({ type: "req", id, method: "chat.send", params: { sessionKey, message, idempotencyKey: runId } }));
    });
  }

  #keyOf(r) {
    for (const [k, v] of this.#runs) if (v === r) return k;
    return undefined;
  }

  #settle(runId, r, err) {
    clearTimeout(r.timer);
    this.#runs.delete(runId);
    if (err) r.reject(err);
    else {
      const t = now();
      const out = { ackMs: r.ackAt - r.t0, finalMs: t - r.t0 };
      if (this.detail) Object.assign(out, { startMs: r.startAt - r.t0, firstTextMs: r.firstTextAt - r.t0, endMs: r.endAt - r.t0 });
      r.resolve(out);
    }
  }

  #end(runId, payload) {
    const r = this.#runs.get(runId);
    if (!r) {
      if (this.#early.size < 10_000) this.#early.set(runId, payload);
      return;
    }
    if (payload.state === "final") this.#settle(runId, r);
    else this.#settle(runId, r, new RunError(payload.state, `${payload.state}: ${payload.errorMessage ?? payload.stopReason ?? ""}`));
  }

  #onMessage(data) {
    const s = String(data);
    this.frames.count++;
    this.frames.bytes += data.length;
    // Most frames are `agent` events and chat deltas; only parse what can end a run.
    if (!this.detail && !s.includes('"res"') && !(s.includes('"chat"') && /"state":"(final|error|aborted)"/.test(s))) return;
    const f = JSON.parse(s);
    if (f.type === "event" && f.event === "agent") {
      const r = this.#runs.get(f.payload?.runId);
      if (!r) return;
      const t = now();
      if (f.payload.stream === "lifecycle" && f.payload.data?.phase === "start") r.startAt ??= t;
      else if (f.payload.stream === "assistant") r.firstTextAt ??= t;
      else if (f.payload.stream === "lifecycle") r.endAt ??= t;
      return;
    }
    if (f.type === "res") {
      const sentFor = this.#reqs.get(f.id);
      if (sentFor === undefined) return;
      this.#reqs.delete(f.id);
      const r = this.#runs.get(sentFor);
      if (!r) return;
      r.ackAt = now();
      if (f.ok !== true) return this.#settle(sentFor, r, new RunError("refused", `chat.send refused: ${JSON.stringify(f.error)}`));
      if (f.payload?.status !== "started") return this.#settle(sentFor, r, new RunError("refused", `chat.send: ${JSON.stringify(f.payload)}`));
      const runId = f.payload.runId;
      if (runId !== sentFor) {
        // The gateway chose another runId: track the run under it.
        this.#runs.delete(sentFor);
        this.#runs.set(runId, r);
      }
      const early = this.#early.get(runId);
      if (early) {
        this.#early.delete(runId);
        this.#end(runId, early);
      }
    } else if (f.type === "event" && f.event === "chat" && f.payload && f.payload.state !== "delta") {
      this.#end(f.payload.runId, f.payload);
    }
  }
}

export function agentsConfig(providerUrl) {
  return (dir) => {
    const workspace = path.join(dir, "workspace");
    fs.mkdirSync(workspace, { recursive: true });
    return {
      models: {
        providers: {
          fake: { baseUrl: `${providerUrl}/v1`, apiKey: "k", api: "openai-completions", models: [{ id: "fake-model", contextWindow: 128000, maxTokens: 256 }] },
        },
      },
      agents: { defaults: { model: "fake/fake-model", workspace, skipBootstrap: true, maxConcurrent: 64 } },
    };
  };
}

/** A gateway (the build `cli` launches, default this checkout's) whose agent talks to `provider`, and a ChatClient on it. */
export async function startAgentGatewayWith(label, provider, { nodeArgs = [], cli, runTimeoutMs } = {}) {
  const gw = await startGateway(label, { config: agentsConfig(provider.url), nodeArgs, ...(cli ? { cli } : {}) });
  const { ws } = await wsConnect(gw.port);
  return { gw, ws, client: new ChatClient(ws, runTimeoutMs) };
}

