// The cached HealthSummary: refreshed on a timer and on demand, each refresh bumping the health
// stateVersion and broadcasting a `health` event. Cheap: a few small file stats, no probes yet.
import fs from "node:fs/promises";
import path from "node:path";
import { formatDurationMs } from "../automation/duration.js";

export interface HealthAgent {
  agentId: string;
  name?: string;
  isDefault: boolean;
  heartbeat: { enabled: boolean; every: string; everyMs: number };
  sessions: { path: string; count: number; recent: { key: string; updatedAt: number; age: number }[] };
}

export interface HealthSummary {
  ok: true;
  ts: number;
  durationMs: number;
  channels: Record<string, unknown>;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  heartbeatSeconds: number;
  defaultAgentId: string;
  agents: HealthAgent[];
  sessions: { path: string; count: number; recent: { key: string; updatedAt: number; age: number }[] };
}

export interface AgentDescriptor {
  id: string;
  name?: string;
  isDefault: boolean;
}

export interface HealthInputs {
  stateDir: string;
  agents(): AgentDescriptor[];
  /** The agent's heartbeat interval (0 = off). */
  heartbeatEveryMs(agentId: string): number;
}

const RECENT_LIMIT = 5;

async function readSessionIndex(file: string, now: number) {
  try {
    const text = await fs.readFile(file, "utf8");
    const index = JSON.parse(text) as Record<string, { updatedAt?: number }>;
    const rows = Object.entries(index).map(([key, v]) => ({ key, updatedAt: Number(v?.updatedAt ?? 0) }));
    rows.sort((a, b) => b.updatedAt - a.updatedAt);
    return {
      count: rows.length,
      recent: rows.slice(0, RECENT_LIMIT).map((r) => ({ ...r, age: Math.max(0, now - r.updatedAt) })),
    };
  } catch {
    return { count: 0, recent: [] };
  }
}

export class HealthMonitor {
  #cached: HealthSummary | undefined;
  #version = 1;
  #inflight: Promise<HealthSummary> | undefined;

  constructor(
    private readonly inputs: HealthInputs,
    private readonly onRefresh: (summary: HealthSummary, version: number) => void,
  ) {}

  get version(): number {
    return this.#version;
  }

  cached(): HealthSummary | undefined {
    return this.#cached;
  }

  /** The cached summary when younger than maxAgeMs (and not probing), else a fresh one. */
  async get(opts: { probe?: boolean; maxAgeMs?: number } = {}): Promise<HealthSummary> {
    const maxAge = opts.maxAgeMs ?? 60_000;
    if (!opts.probe && this.#cached && Date.now() - this.#cached.ts < maxAge) return this.#cached;
    return this.refresh();
  }

  /** Recomputes once even if several callers ask at the same time. */
  refresh(): Promise<HealthSummary> {
    this.#inflight ??= this.#compute().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #compute(): Promise<HealthSummary> {
    const started = Date.now();
    const descriptors = this.inputs.agents();
    const agents: HealthAgent[] = await Promise.all(
      descriptors.map(async (a) => {
        const file = path.join(this.inputs.stateDir, "agents", a.id, "sessions", "sessions.json");
        const idx = await readSessionIndex(file, started);
        const everyMs = this.inputs.heartbeatEveryMs(a.id);
        const agent: HealthAgent = {
          agentId: a.id,
          isDefault: a.isDefault,
          heartbeat: { enabled: everyMs > 0, every: formatDurationMs(everyMs), everyMs },
          sessions: { path: file, ...idx },
        };
        if (a.name) agent.name = a.name;
        return agent;
      }),
    );
    const def = agents.find((a) => a.isDefault) ?? agents[0]!;
    const summary: HealthSummary = {
      ok: true,
      ts: Date.now(),
      durationMs: Date.now() - started,
      channels: {},
      channelOrder: [],
      channelLabels: {},
      heartbeatSeconds: Math.round(def.heartbeat.everyMs / 1000),
      defaultAgentId: def.agentId,
      agents,
      sessions: def.sessions,
    };
    this.#cached = summary;
    this.#version++;
    this.onRefresh(summary, this.#version);
    return summary;
  }
}
