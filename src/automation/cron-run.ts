// One cron run's work, by payload: a system event queued for the main session (and a heartbeat
// requested when the job says "now"), or an agent turn whose reply may be delivered to a chat.
// Outcomes are written onto the run's history entry; nothing here throws.
import type { RunEngine } from "../agents/engine/engine.js";
import { mainSessionKey } from "../agents/sessions/keys.js";
import { deliver, type ChannelSender } from "./delivery.js";
import type { HeartbeatRunner } from "./heartbeat.js";
import type { CronJob } from "./jobs.js";
import type { CronRunEntry } from "./store.js";
import type { SystemEventQueue } from "./system-events.js";

const SUMMARY_CHARS = 500;

export interface CronRunDeps {
  engine: RunEngine;
  events: SystemEventQueue;
  heartbeat: HeartbeatRunner;
  mainKey(): string;
  channels(): ChannelSender | undefined;
}

export async function runPayload(job: CronJob, agentId: string, runId: string, entry: CronRunEntry, deps: CronRunDeps): Promise<void> {
  try {
    if (job.payload.kind === "systemEvent") {
      const sessionKey = mainSessionKey(agentId, deps.mainKey());
      deps.events.push(sessionKey, job.payload.text, `cron:${job.id}`);
      entry.sessionKey = sessionKey;
      if (job.wakeMode === "now") {
        void deps.heartbeat.requestNow(agentId, "cron");
        entry.summary = "system event queued; heartbeat requested now";
      } else entry.summary = "system event queued for the next heartbeat";
    } else {
      const sessionKey = job.sessionTarget === "isolated" ? `agent:${agentId}:cron:${job.id}` : job.sessionKey ?? mainSessionKey(agentId, deps.mainKey());
      entry.sessionKey = sessionKey;
      const handle = deps.engine.start({
        runId,
        agentId,
        sessionKey,
        message: job.payload.message,
        extraSystemPrompt: `This turn was started by the scheduled job ${JSON.stringify(job.name)} (cron). Reply with the result in plain text.`,
        ...(job.payload.model ? { modelOverride: job.payload.model } : {}),
        ...(job.payload.timeoutSeconds ? { timeoutMs: job.payload.timeoutSeconds * 1000 } : {}),
      });
      const result = await handle.done;
      if (result.text) entry.summary = result.text.slice(0, SUMMARY_CHARS);
      if (result.status !== "ok") {
        entry.status = "error";
        entry.error = result.error?.message ?? `run ${result.status}${result.abortReason ? ` (${result.abortReason})` : ""}`;
      } else if (job.delivery?.mode === "announce" && job.delivery.channel && job.delivery.to) {
        const d = await deliver(deps.channels(), {
          channel: job.delivery.channel, to: job.delivery.to, text: result.text, idempotencyKey: `cron:${runId}`,
          ...(job.delivery.accountId ? { accountId: job.delivery.accountId } : {}),
        });
        entry.delivery = { status: d.status, channel: d.channel, to: d.to, ...(d.messageId ? { messageId: d.messageId } : {}), ...(d.error ? { error: d.error } : {}) };
        if (d.status === "failed") {
          entry.status = "error";
          entry.error = `delivery failed: ${d.error}`;
        }
      }
    }
  } catch (err) {
    entry.status = "error";
    entry.error = (err as Error).message;
  }
}
