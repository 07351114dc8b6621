// cron.list|status|add|update|remove|run|runs (spec 2.2 Automation, 2.3 `cron.add`): thin
// handlers over the gateway's CronService.
import { invalidRequest } from "../../errors.js";
import {
  CronAddParamsSchema,
  CronJobRefParamsSchema,
  CronListParamsSchema,
  CronRunParamsSchema,
  CronRunsParamsSchema,
  CronStatusParamsSchema,
  CronUpdateParamsSchema,
} from "../../protocol/methods-cron.js";
import type { CronJobInput, CronJobPatch } from "../../automation/jobs.js";
import type { GatewayServices } from "../services.js";
import { defineMethod, type MethodDef } from "./registry.js";

function jobId(method: string, p: { id?: string; jobId?: string }): string {
  const id = p.id ?? p.jobId;
  if (!id) throw invalidRequest(`invalid ${method} params: id or jobId required`);
  return id;
}

const agentExists = (gw: GatewayServices) => (id: string) => !!gw.agents.engine.agent(id);

export const cronMethods: MethodDef[] = [
  defineMethod({
    name: "cron.list",
    params: CronListParamsSchema,
    async handler(ctx, p) {
      const jobs = await (await ctx.gateway.automation.cronReady()).list(p.includeDisabled === true);
      return { jobs, total: jobs.length };
    },
  }),
  defineMethod({
    name: "cron.status",
    params: CronStatusParamsSchema,
    handler: async (ctx) => (await ctx.gateway.automation.cronReady()).status(),
  }),
  defineMethod({
    name: "cron.add",
    params: CronAddParamsSchema,
    handler: async (ctx, p) => (await ctx.gateway.automation.cronReady()).add(p as CronJobInput, agentExists(ctx.gateway)),
  }),
  defineMethod({
    name: "cron.update",
    params: CronUpdateParamsSchema,
    handler: async (ctx, p) => (await ctx.gateway.automation.cronReady()).update(jobId("cron.update", p), p.patch as CronJobPatch, agentExists(ctx.gateway)),
  }),
  defineMethod({
    name: "cron.remove",
    params: CronJobRefParamsSchema,
    handler: async (ctx, p) => (await ctx.gateway.automation.cronReady()).remove(jobId("cron.remove", p)),
  }),
  defineMethod({
    name: "cron.run",
    params: CronRunParamsSchema,
    handler: async (ctx, p) => (await ctx.gateway.automation.cronReady()).run(jobId("cron.run", p), p.mode ?? "force"),
  }),
  defineMethod({
    name: "cron.runs",
    params: CronRunsParamsSchema,
    async handler(ctx, p) {
      const id = p.id ?? p.jobId;
      return (await ctx.gateway.automation.cronReady()).runs({
        ...(p.scope ? { scope: p.scope } : {}),
        ...(id ? { id } : {}),
        ...(p.limit !== undefined ? { limit: p.limit } : {}),
        ...(p.offset !== undefined ? { offset: p.offset } : {}),
        ...(p.statuses ? { statuses: p.statuses } : {}),
        ...(p.sortDir ? { sortDir: p.sortDir } : {}),
      });
    },
  }),
];
