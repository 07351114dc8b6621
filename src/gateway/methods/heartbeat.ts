// wake, last-heartbeat and set-heartbeats (spec 2.2 System / Automation, 2.3 `wake`).
import { LastHeartbeatParamsSchema, SetHeartbeatsParamsSchema, WakeParamsSchema } from "../../protocol/methods-cron.js";
import { defineMethod, type MethodDef } from "./registry.js";

export const heartbeatMethods: MethodDef[] = [
  defineMethod({
    name: "wake",
    params: WakeParamsSchema,
    handler: (ctx, p) => ctx.gateway.automation.wake({ mode: p.mode, text: p.text.trim() || p.text, source: `wake:${ctx.caller.clientId}` }),
  }),
  defineMethod({
    name: "last-heartbeat",
    params: LastHeartbeatParamsSchema,
    handler: (ctx) => ctx.gateway.automation.heartbeat.last,
  }),
  defineMethod({
    name: "set-heartbeats",
    params: SetHeartbeatsParamsSchema,
    handler(ctx, p) {
      ctx.gateway.automation.heartbeat.setEnabled(p.enabled);
      ctx.gateway.logger.child("heartbeat").info(`heartbeats ${p.enabled ? "enabled" : "disabled"} by ${ctx.caller.clientId}`);
      return { ok: true, enabled: p.enabled };
    },
  }),
];
