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
      const jobs = await ctx.gateway.automation.cron.list(p.includeDisabled === true);
      return { jobs, total: jobs.length };
    },
  }),
  defineMethod({
    name: "cron.status",
    params: CronStatusParamsSchema,
    handler: (ctx) => ctx.gateway.automation.cron.status(),
  }),
  defineMethod({
    name: "cron.add",
    params: CronAddParamsSchema,
    handler: (ctx, p) => ctx.gateway.automation.cron.add(p as CronJobInput, agentExists(ctx.gateway)),
  }),
  defineMethod({
    name: "cron.update",
    params: CronUpdateParamsSchema,
    handler: (ctx, p) => ctx.gateway.automation.cron.update(jobId("cron.update", p), p.patch as CronJobPatch, agentExists(ctx.gateway)),
  }),
  defineMethod({
    name: "cron.remove",
    params: CronJobRefParamsSchema,
    handler: (ctx, p) => ctx.gateway.automation.cron.remove(jobId("cron.remove", p)),
  }),
  defineMethod({
    name: "cron.run",
    params: CronRunParamsSchema,
    handler: (ctx, p) => ctx.gateway.automation.cron.run(jobId("cron.run", p), p.mode ?? "force"),
  }),
  defineMethod({
    name: "cron.runs",
    params: CronRunsParamsSchema,
    async handler(ctx, p) {
      const id = p.id ?? p.jobId;
      return ctx.gateway.automation.cron.runs({
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
