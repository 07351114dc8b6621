// health, status and system-presence: what an operator asks first.
import os from "node:os";
import { HealthParamsSchema, StatusParamsSchema, SystemPresenceParamsSchema } from "../../protocol/methods.js";
import { Scopes, hasScope } from "../../protocol/scopes.js";
import { defineMethod, type MethodDef } from "./registry.js";

export const systemMethods: MethodDef[] = [
  defineMethod({
    name: "health",
    params: HealthParamsSchema,
    handler: (ctx, params) => ctx.gateway.health.get(params.probe ? { probe: true } : {}),
  }),
  defineMethod({
    name: "status",
    params: StatusParamsSchema,
    async handler(ctx) {
      const gw = ctx.gateway;
      const health = await gw.health.get();
      const admin = hasScope(ctx.caller.scopes, Scopes.admin);
      const defaults = gw.sessionDefaults();
      const agents = health.agents;
      const recent = agents
        .flatMap((a) => a.sessions.recent.map((r) => ({ agentId: a.agentId, ...r })))
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, 10);
      const cfg = gw.config();
      const model = cfg.agents?.defaults?.model;
      const modelName = typeof model === "string" ? model : model?.primary ?? null;
      const status: Record<string, unknown> = {
        runtimeVersion: gw.version,
        heartbeat: {
          defaultAgentId: defaults.defaultAgentId,
          agents: agents.map((a) => ({ agentId: a.agentId, enabled: a.heartbeat.enabled, every: a.heartbeat.every, everyMs: a.heartbeat.everyMs })),
        },
        channelSummary: [],
        queuedSystemEvents: gw.automation.events.texts(),
        tasks: { total: 0, active: 0, terminal: 0, failures: 0 },
        taskAudit: { total: 0, warnings: 0, errors: 0 },
        sessions: {
          paths: agents.map((a) => a.sessions.path),
          count: agents.reduce((n, a) => n + a.sessions.count, 0),
          defaults: { model: modelName, contextTokens: cfg.agents?.defaults?.contextTokens ?? null },
          recent,
          byAgent: agents.map((a) => ({ agentId: a.agentId, path: a.sessions.path, count: a.sessions.count, recent: a.sessions.recent })),
        },
        uptimeMs: Date.now() - gw.startedAt,
        connections: gw.broadcaster.size,
      };
      if (admin) {
        const mem = process.memoryUsage();
        status.pid = process.pid;
        status.configPath = gw.configPath;
        status.stateDir = gw.stateDir;
        status.logFile = gw.logFile();
        status.authMode = gw.auth().mode;
        status.processMemory = {
          rssBytes: mem.rss,
          heapUsedBytes: mem.heapUsed,
          heapTotalBytes: mem.heapTotal,
          externalBytes: mem.external,
          arrayBuffersBytes: mem.arrayBuffers,
        };
        status.host = { hostname: os.hostname(), platform: process.platform, node: process.versions.node, cpus: os.cpus().length };
      }
      return status;
    },
  }),
  defineMethod({
    name: "system-presence",
    params: SystemPresenceParamsSchema,
    handler: (ctx) => ctx.gateway.presence.list(),
  }),
];
