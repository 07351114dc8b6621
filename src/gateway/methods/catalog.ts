// Catalogues: models.list, agents.list, agent.identity.get, tools.catalog.
import { AgentIdentityParamsSchema, AgentsListParamsSchema, ModelsListParamsSchema, ToolsCatalogParamsSchema } from "../../protocol/methods-agents.js";
import { listAgentIds } from "../../agents/agent-config.js";
import { listCatalog } from "../../agents/providers/resolve.js";
import type { ToolPolicy } from "../../agents/tools/index.js";
import { invalidParams, resolveSessionKey } from "./agent-support.js";
import { defineMethod, type MethodDef } from "./registry.js";

export const catalogMethods: MethodDef[] = [
  defineMethod({
    name: "models.list",
    params: ModelsListParamsSchema,
    async handler(ctx) {
      return { models: await listCatalog(ctx.gateway.config(), ctx.gateway.env) };
    },
  }),
  defineMethod({
    name: "agents.list",
    params: AgentsListParamsSchema,
    handler(ctx) {
      const gw = ctx.gateway;
      const d = gw.sessionDefaults();
      const agents = listAgentIds(gw.config()).map((id) => {
        const a = gw.agents.engine.agent(id)!;
        return { id, ...(a.name ? { name: a.name } : {}), ...(a.identity ? { identity: a.identity } : {}), workspace: a.workspace, model: a.models[0] ?? null, isDefault: a.isDefault };
      });
      return { defaultId: d.defaultAgentId, mainKey: d.mainKey, scope: d.scope, agents };
    },
  }),
  defineMethod({
    name: "agent.identity.get",
    params: AgentIdentityParamsSchema,
    handler(ctx, p) {
      const gw = ctx.gateway;
      const agentId = p.agentId ?? (p.sessionKey ? resolveSessionKey(gw, p.sessionKey).agentId : gw.sessionDefaults().defaultAgentId);
      const a = gw.agents.engine.agent(agentId);
      if (!a) throw invalidParams("agent.identity.get", `unknown agent id "${agentId}"`);
      return { agentId, name: a.identity?.name ?? a.name ?? agentId, ...(a.identity?.emoji ? { emoji: a.identity.emoji } : {}), ...(a.identity?.avatar ? { avatar: a.identity.avatar } : {}) };
    },
  }),
  defineMethod({
    name: "tools.catalog",
    params: ToolsCatalogParamsSchema,
    async handler(ctx, p) {
      const gw = ctx.gateway;
      const agentId = p.agentId ?? gw.sessionDefaults().defaultAgentId;
      const a = gw.agents.engine.agent(agentId);
      if (!a) throw invalidParams("tools.catalog", `unknown agent id "${agentId}"`);
      // The tools (and what they import) load on the first catalog or run, not at startup.
      const { createTools } = await import("../../agents/tools/index.js");
      const tools = createTools(a.tools as ToolPolicy).map((t) => ({ id: t.name, label: t.name, description: t.description, source: "core", parameters: t.parameters }));
      return { agentId, tools };
    },
  }),
];
