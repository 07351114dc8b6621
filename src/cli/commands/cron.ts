// `openclaw cron status|list|add|edit|rm|run|runs`: the gateway's scheduled jobs, through the
// cron.* methods (the gateway validates; the CLI only turns flags into params).
import type { Command } from "commander";
import { parseDurationMs } from "../../automation/duration.js";
import { usageError } from "../cli-error.js";
import { addConnectionOptions } from "../connection-options.js";
import { formatDuration, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

interface Job {
  id: string;
  name: string;
  enabled: boolean;
  schedule: { kind: string; at?: string; everyMs?: number; expr?: string; tz?: string };
  sessionTarget: string;
  payload: { kind: string; text?: string; message?: string };
  delivery?: { mode: string; channel?: string; to?: string };
  state: { nextRunAtMs?: number; lastRunAtMs?: number; lastStatus?: string; lastError?: string };
}

interface RunEntry {
  ts: number;
  status: string;
  trigger: string;
  durationMs: number;
  error?: string;
  summary?: string;
  delivery?: { status: string; error?: string };
}

type Flags = RpcFlags & Record<string, string | boolean | undefined>;

async function call<T>(flags: Flags, method: string, params: unknown, env: NodeJS.ProcessEnv): Promise<T> {
  const { target } = await prepareGatewayTarget(flags, env);
  return (await callGateway<T>(target, method, params)).payload;
}

function describeSchedule(s: Job["schedule"]): string {
  if (s.kind === "at") return `at ${s.at}`;
  if (s.kind === "every") return `every ${formatDuration(s.everyMs ?? 0)}`;
  return `cron "${s.expr}"${s.tz ? ` ${s.tz}` : ""}`;
}

function when(ms: number | undefined, now: number): string {
  if (ms === undefined) return "-";
  const delta = ms - now;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

export function jobLine(j: Job, now = Date.now()): string {
  const what = j.payload.kind === "systemEvent" ? `system event "${j.payload.text}"` : `agent turn "${j.payload.message}"`;
  const last = j.state.lastStatus ? `, last ${j.state.lastStatus} ${when(j.state.lastRunAtMs, now)}` : "";
  const off = j.enabled ? "" : " [disabled]";
  return `${j.id}  ${j.name}${off}  ${describeSchedule(j.schedule)}  next ${when(j.state.nextRunAtMs, now)}${last}  (${j.sessionTarget}: ${what})`;
}

/** The schedule chosen by --at / --every / --cron (+ --tz), or undefined when none is given. */
function scheduleFrom(flags: Flags): Record<string, unknown> | undefined {
  const chosen = (["at", "every", "cron"] as const).filter((k) => typeof flags[k] === "string");
  if (chosen.length > 1) throw usageError("choose one of --at, --every, --cron");
  if (flags.tz && chosen[0] !== "cron") throw usageError("--tz goes with --cron");
  if (chosen[0] === "at") {
    const at = String(flags.at);
    // A date-time without an offset is UTC, so the job means the same on every host.
    const iso = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(at) ? `${at}Z` : at;
    if (!Number.isFinite(Date.parse(iso))) throw usageError(`--at: not an ISO date-time: ${at}`);
    return { kind: "at", at: new Date(Date.parse(iso)).toISOString() };
  }
  if (chosen[0] === "every") {
    const ms = parseDurationMs(String(flags.every), "ms");
    if (ms === null || ms < 1000) throw usageError(`--every: expected a duration of at least 1s, like 10m or 1h: ${flags.every}`);
    return { kind: "every", everyMs: ms };
  }
  if (chosen[0] === "cron") return { kind: "cron", expr: String(flags.cron), ...(flags.tz ? { tz: String(flags.tz) } : {}) };
  return undefined;
}

function payloadFrom(flags: Flags): Record<string, unknown> | undefined {
  if (typeof flags.message === "string" && typeof flags.systemEvent === "string") throw usageError("choose one of --message, --system-event");
  if (typeof flags.systemEvent === "string") return { kind: "systemEvent", text: flags.systemEvent };
  if (typeof flags.message === "string") {
    return {
      kind: "agentTurn",
      message: flags.message,
      ...(flags.model ? { model: String(flags.model) } : {}),
      ...(flags.timeoutSeconds ? { timeoutSeconds: Number(flags.timeoutSeconds) } : {}),
    };
  }
  return undefined;
}

function deliveryFrom(flags: Flags): Record<string, unknown> | undefined {
  if (flags.deliver === false) return { mode: "none" };
  if (!flags.announce) return undefined;
  return {
    mode: "announce",
    ...(flags.channel ? { channel: String(flags.channel) } : {}),
    ...(flags.to ? { to: String(flags.to) } : {}),
    ...(flags.account ? { accountId: String(flags.account) } : {}),
  };
}

export function addParams(flags: Flags): Record<string, unknown> {
  if (!flags.name) throw usageError("--name is required");
  const schedule = scheduleFrom(flags);
  if (!schedule) throw usageError("a schedule is required: --at <iso>, --every <duration> or --cron <expr>");
  const payload = payloadFrom(flags);
  if (!payload) throw usageError("a payload is required: --message <text> (agent turn) or --system-event <text>");
  const delivery = deliveryFrom(flags);
  return {
    name: flags.name,
    schedule,
    payload,
    sessionTarget: flags.session ?? (payload.kind === "systemEvent" ? "main" : "isolated"),
    wakeMode: flags.wake ?? "now",
    ...(flags.agent ? { agentId: flags.agent } : {}),
    ...(flags.description ? { description: flags.description } : {}),
    ...(flags.disabled ? { enabled: false } : {}),
    ...(flags.deleteAfterRun ? { deleteAfterRun: true } : {}),
    ...(delivery ? { delivery } : {}),
  };
}

export function editPatch(flags: Flags): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (flags.enable && flags.disable) throw usageError("choose one of --enable, --disable");
  if (flags.name) patch.name = flags.name;
  if (flags.description !== undefined) patch.description = flags.description;
  if (flags.enable) patch.enabled = true;
  if (flags.disable) patch.enabled = false;
  if (flags.agent) patch.agentId = flags.agent;
  if (flags.session) patch.sessionTarget = flags.session;
  if (flags.wake) patch.wakeMode = flags.wake;
  const schedule = scheduleFrom(flags);
  if (schedule) patch.schedule = schedule;
  const payload = payloadFrom(flags);
  if (payload) patch.payload = payload;
  const delivery = deliveryFrom(flags);
  if (delivery) patch.delivery = delivery;
  if (Object.keys(patch).length === 0) throw usageError("nothing to change: pass at least one option (see openclaw cron edit --help)");
  return patch;
}

function jobOptions(cmd: Command): Command {
  return cmd
    .option("--name <name>", "job name")
    .option("--description <text>", "free text")
    .option("--at <iso>", "run once at this ISO date-time (no offset = UTC)")
    .option("--every <duration>", "run every interval, e.g. 10m, 1h")
    .option("--cron <expr>", "cron expression (5 or 6 fields)")
    .option("--tz <iana>", "time zone of --cron, e.g. Europe/Berlin")
    .option("--message <text>", "agent turn: the message the agent receives")
    .option("--system-event <text>", "system event queued on the main session")
    .option("--session <target>", "main | isolated | current (default: main for system events, isolated for agent turns)")
    .option("--wake <mode>", "now | next-heartbeat (system events; default now)")
    .option("--agent <id>", "agent id (default: the default agent)")
    .option("--model <provider/model>", "model for the agent turn")
    .option("--timeout-seconds <n>", "agent turn timeout")
    .option("--announce", "deliver the agent turn's reply to --channel/--to")
    .option("--no-deliver", "keep the reply internal")
    .option("--channel <id>", "delivery channel, e.g. telegram")
    .option("--to <target>", "delivery target (chat id, ...)")
    .option("--account <id>", "delivery account id");
}

export function register(program: Command, setExit: SetExitCode): void {
  const env = process.env;
  const cron = program.command("cron").description("manage the gateway's scheduled jobs (cron)");
  addConnectionOptions(cron.command("status").description("scheduler state: enabled, jobs, next wake").option("--json", "print JSON")).action(async (flags: Flags) => {
    const s = await call<{ enabled: boolean; storePath: string; jobs: number; enabledJobs: number; running: number; nextWakeAtMs: number | null }>(flags, "cron.status", {}, env);
    if (flags.json) printJson(s);
    else {
      printLines([
        `Scheduler: ${s.enabled ? "on" : "off (cron.enabled=false or OPENCLAW_SKIP_CRON=1)"}`,
        `Jobs: ${s.jobs} (${s.enabledJobs} enabled, ${s.running} running)`,
        `Next wake: ${s.nextWakeAtMs === null ? "none" : `${new Date(s.nextWakeAtMs).toISOString()} (${when(s.nextWakeAtMs, Date.now())})`}`,
        `Store: ${s.storePath}`,
      ]);
    }
    setExit(0);
  });
  addConnectionOptions(cron.command("list").description("list jobs, next due first").option("--all", "include disabled jobs").option("--json", "print JSON")).action(async (flags: Flags) => {
    const { jobs } = await call<{ jobs: Job[] }>(flags, "cron.list", { includeDisabled: flags.all === true }, env);
    if (flags.json) printJson({ jobs });
    else printLines(jobs.length ? jobs.map((j) => jobLine(j)) : [flags.all ? "No cron jobs." : "No enabled cron jobs (--all shows disabled ones)."]);
    setExit(0);
  });
  addConnectionOptions(
    jobOptions(cron.command("add").description("add a job"))
      .option("--disabled", "add it disabled")
      .option("--delete-after-run", "one-shot (--at) jobs: delete after a successful run")
      .option("--json", "print the job as JSON"),
  ).action(async (flags: Flags) => {
    const job = await call<Job>(flags, "cron.add", addParams(flags), env);
    if (flags.json) printJson(job);
    else printLines([`Added ${jobLine(job)}`]);
    setExit(0);
  });
  addConnectionOptions(
    jobOptions(cron.command("edit <id>").description("change a job (only the options given)"))
      .option("--enable", "enable the job")
      .option("--disable", "disable the job")
      .option("--json", "print the job as JSON"),
  ).action(async (id: string, flags: Flags) => {
    const job = await call<Job>(flags, "cron.update", { id, patch: editPatch(flags) }, env);
    if (flags.json) printJson(job);
    else printLines([`Updated ${jobLine(job)}`]);
    setExit(0);
  });
  addConnectionOptions(cron.command("rm <id>").description("remove a job and its history").option("--json", "print JSON")).action(async (id: string, flags: Flags) => {
    const res = await call<{ removed: boolean }>(flags, "cron.remove", { id }, env);
    if (flags.json) printJson(res);
    else printLines([res.removed ? `Removed ${id}` : `No job ${id}`]);
    setExit(res.removed ? 0 : 1);
  });
  addConnectionOptions(cron.command("run <id>").description("run a job now").option("--due", "only if it is due").option("--json", "print JSON")).action(async (id: string, flags: Flags) => {
    const res = await call<{ enqueued?: boolean; runId?: string; reason?: string }>(flags, "cron.run", { id, mode: flags.due ? "due" : "force" }, env);
    if (flags.json) printJson(res);
    else printLines([res.enqueued ? `Started ${id} (run ${res.runId}); follow it with: openclaw cron runs --id ${id}` : `Not run: ${res.reason}`]);
    setExit(0);
  });
  addConnectionOptions(
    cron.command("runs").description("run history, newest first").option("--id <id>", "one job (default: all jobs)").option("--limit <n>", "at most n entries (1-200)", "20").option("--json", "print JSON"),
  ).action(async (flags: Flags) => {
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw usageError("--limit must be an integer from 1 to 200");
    const res = await call<{ entries: RunEntry[]; total: number }>(flags, "cron.runs", { ...(flags.id ? { id: flags.id } : { scope: "all" }), limit }, env);
    if (flags.json) printJson(res);
    else {
      const lines = res.entries.map((e) => {
        const extra = [e.error, e.delivery ? `delivery ${e.delivery.status}${e.delivery.error ? `: ${e.delivery.error}` : ""}` : undefined, e.summary ? `"${e.summary.slice(0, 80)}"` : undefined].filter(Boolean).join("; ");
        return `${new Date(e.ts).toISOString()}  ${e.status}  ${e.trigger}  ${formatDuration(e.durationMs)}${extra ? `  ${extra}` : ""}`;
      });
      printLines(lines.length ? [`Runs: ${res.total}`, ...lines] : ["No runs yet."]);
    }
    setExit(0);
  });
}
