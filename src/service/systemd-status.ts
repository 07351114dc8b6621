// Reads `systemctl show` output and says what state a unit is really in: running, stopped, or one
// of the failure states users could not see before (crash-looping, start-limited, config error).
import { SYSTEMD_POLICY } from "./systemd-unit.js";

/** The properties `status` asks for (systemctl prints them in its own order). */
export const SHOW_PROPERTIES = [
  "LoadState", "ActiveState", "SubState", "Result", "NRestarts", "MainPID", "ExecMainCode",
  "ExecMainStatus", "ExecMainStartTimestamp", "ExecMainExitTimestamp", "FragmentPath", "UnitFileState",
] as const;

export type ServiceState =
  | "running"
  | "starting"
  | "stopping"
  | "stopped"
  | "crash-looping"
  | "start-limited"
  | "config-error"
  | "failed"
  | "not-loaded";

export interface UnitRuntime {
  state: ServiceState;
  /** One line a person can act on. */
  detail: string;
  loadState?: string;
  activeState?: string;
  subState?: string;
  result?: string;
  unitFileState?: string;
  mainPid?: number;
  restarts?: number;
  lastExit?: { code: "exited" | "killed" | "dumped"; status: number };
}

/** `Key=Value` lines into a record (values keep any `=` they contain). */
export function parseShowOutput(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return props;
}

// ExecMainCode is a waitid() si_code: 1 CLD_EXITED, 2 CLD_KILLED, 3 CLD_DUMPED.
const EXIT_CODES: Record<string, "exited" | "killed" | "dumped"> = { "1": "exited", "2": "killed", "3": "dumped" };

function describeExit(exit: UnitRuntime["lastExit"]): string {
  if (!exit) return "";
  return exit.code === "exited" ? `exit status ${exit.status}` : `signal ${exit.status}${exit.code === "dumped" ? " (core dumped)" : ""}`;
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || value === "" || value === "[not set]") return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

/** Classifies a unit from its `systemctl show` properties (pure). */
export function classifyUnit(props: Record<string, string>, unit: string, scopeFlag = "--user"): UnitRuntime {
  const rt: UnitRuntime = { state: "stopped", detail: "" };
  const set = <K extends keyof UnitRuntime>(key: K, value: UnitRuntime[K] | undefined) => {
    if (value !== undefined && value !== "") rt[key] = value;
  };
  set("loadState", props.LoadState);
  set("activeState", props.ActiveState);
  set("subState", props.SubState);
  set("result", props.Result);
  set("unitFileState", props.UnitFileState);
  const pid = int(props.MainPID);
  if (pid) rt.mainPid = pid;
  set("restarts", int(props.NRestarts));
  const code = EXIT_CODES[props.ExecMainCode ?? ""];
  const status = int(props.ExecMainStatus);
  if (code && status !== undefined) rt.lastExit = { code, status };
  const exitText = describeExit(rt.lastExit);
  const journal = `journalctl ${scopeFlag === "--user" ? "--user " : ""}-u ${unit} -n 50`;
  const restarts = rt.restarts ?? 0;

  if (props.LoadState && props.LoadState !== "loaded") {
    rt.state = "not-loaded";
    rt.detail = props.LoadState === "not-found" ? "unit not found by systemd (not installed, or daemon-reload needed)" : `unit ${props.LoadState}`;
    return rt;
  }
  const active = props.ActiveState;
  const sub = props.SubState;
  if (props.Result === "start-limit-hit") {
    rt.state = "start-limited";
    rt.detail =
      `crash-looped: gave up after ${SYSTEMD_POLICY.startLimitBurst} starts in ${SYSTEMD_POLICY.startLimitIntervalSec}s` +
      `${exitText ? ` (last: ${exitText})` : ""}; see ${journal}, fix the cause, then run openclaw gateway restart`;
    return rt;
  }
  if (active === "active" && (sub === "running" || sub === "exited")) {
    rt.state = "running";
    rt.detail = `running${rt.mainPid ? ` (pid ${rt.mainPid})` : ""}${restarts > 0 ? `, restarted ${restarts} times since it was started` : ""}`;
    return rt;
  }
  if (active === "activating" && sub === "auto-restart") {
    rt.state = "crash-looping";
    rt.detail = `crash-looping: exited${exitText ? ` with ${exitText}` : ""}, restart ${restarts} pending in ${SYSTEMD_POLICY.restartSec}s; see ${journal}`;
    return rt;
  }
  if (active === "activating" || active === "reloading") {
    rt.state = "starting";
    rt.detail = `starting (${sub ?? "?"})`;
    return rt;
  }
  if (active === "deactivating") {
    rt.state = "stopping";
    rt.detail = `stopping (${sub ?? "?"})${rt.mainPid ? `, pid ${rt.mainPid} still running` : ""}`;
    return rt;
  }
  if (active === "failed") {
    if (rt.lastExit?.code === "exited" && rt.lastExit.status === SYSTEMD_POLICY.configExitStatus) {
      rt.state = "config-error";
      rt.detail = `stopped by a config error (exit 78, not restarted); run openclaw config validate, then openclaw gateway restart`;
      return rt;
    }
    rt.state = "failed";
    rt.detail = `failed (${props.Result ?? "unknown"}${exitText ? `, ${exitText}` : ""}); see ${journal}`;
    return rt;
  }
  rt.state = "stopped";
  rt.detail = rt.lastExit && props.Result && props.Result !== "success" ? `stopped (${props.Result}, ${exitText})` : "stopped";
  return rt;
}
