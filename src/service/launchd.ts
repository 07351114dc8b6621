// launchd backend: LaunchAgents (gui/<uid>) or LaunchDaemons (`--system`, boots without login).
// A stopped service is booted out; start and restart bootstrap it again when it is not loaded,
// so `start` after `stop` works and a failed kickstart never leaves the service removed.
import path from "node:path";
import type { Availability, ServiceAction, ServiceBackend } from "./backend.js";
import { serviceProgram, type ServiceContext } from "./context.js";
import { renderLaunchdPlist } from "./launchd-plist.js";
import { commandLine, execRunner, firstErrorLine, type CommandRunner, type RunResult } from "./runner.js";
import type { UnitRuntime } from "./systemd-status.js";

/** Reads `launchctl print <target>` (indented `key = value` lines; the top block only). */
export function parseLaunchctlPrint(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    // Top-level properties are indented by exactly one tab; nested blocks by more.
    const m = /^\t([a-z][a-z ]*?) = (.*)$/.exec(line);
    if (m && !(m[1]! in props)) props[m[1]!] = m[2]!.trim();
  }
  return props;
}

/** Classifies a launchd job from `launchctl print` properties (pure). */
export function classifyLaunchdJob(props: Record<string, string>, label: string): UnitRuntime {
  const pid = Number(props.pid);
  const runs = Number(props.runs);
  const lastExit = props["last exit code"];
  const rt: UnitRuntime = { state: "stopped", detail: "stopped" };
  if (Number.isInteger(runs)) rt.restarts = Math.max(0, runs - 1);
  const status = lastExit !== undefined && /^-?\d+$/.test(lastExit) ? Number(lastExit) : undefined;
  if (status !== undefined) rt.lastExit = { code: "exited", status };
  if (props.state === "running" && Number.isInteger(pid) && pid > 0) {
    rt.state = "running";
    rt.mainPid = pid;
    rt.detail = `running (pid ${pid})`;
    return rt;
  }
  if (status === 78) {
    rt.state = "config-error";
    rt.detail = "stopped by a config error (exit 78); run openclaw config validate, then openclaw gateway restart";
  } else if (status !== undefined && status !== 0) {
    rt.state = "crash-looping";
    rt.detail = `crash-looping: last exit status ${status}, ${runs || "?"} runs; see ~/Library/Logs/OpenClaw/${label}.err.log`;
  }
  return rt;
}

export class LaunchdBackend implements ServiceBackend {
  readonly title: string;
  readonly #run: CommandRunner;

  constructor(
    readonly ctx: ServiceContext,
    run: CommandRunner = execRunner,
  ) {
    this.#run = run;
    this.title = `launchd (${ctx.system ? "system" : "user"})`;
  }

  get domain(): string {
    return this.ctx.system ? "system" : `gui/${this.ctx.uid}`;
  }

  get target(): string {
    return `${this.domain}/${this.ctx.name}`;
  }

  logPaths(): { stdout: string; stderr: string } {
    const dir = this.ctx.system ? "/Library/Logs/OpenClaw" : path.join(this.ctx.userHome, "Library", "Logs", "OpenClaw");
    return { stdout: path.join(dir, `${this.ctx.name}.log`), stderr: path.join(dir, `${this.ctx.name}.err.log`) };
  }

  render(opts: { port?: number; token?: string; runAs?: string }): string {
    const logs = this.logPaths();
    const userName = this.ctx.system ? (opts.runAs ?? this.ctx.env.SUDO_USER) : undefined;
    return renderLaunchdPlist({
      ...serviceProgram(this.ctx, opts),
      label: this.ctx.name,
      stdoutPath: logs.stdout,
      stderrPath: logs.stderr,
      ...(userName ? { userName } : {}),
    });
  }

  #launchctl(...args: string[]): Promise<RunResult> {
    return this.#run("launchctl", args, { timeoutMs: 30_000 });
  }

  async availability(): Promise<Availability> {
    const probe = await this.#launchctl("version");
    if (probe.missing) return { available: false, reason: "launchctl not found, launchd is macOS only" };
    return { available: true };
  }

  manualCommands(action: ServiceAction): string[] {
    const c = (...args: string[]) => commandLine("launchctl", args);
    const bootstrap = c("bootstrap", this.domain, this.ctx.filePath);
    switch (action) {
      case "install":
        return [`mkdir -p ${path.dirname(this.logPaths().stdout)}`, c("bootout", this.target), bootstrap, c("enable", this.target)];
      case "uninstall":
        return [c("bootout", this.target), commandLine("rm", ["-f", this.ctx.filePath])];
      case "start":
        return [bootstrap, c("kickstart", this.target)];
      case "stop":
        return [c("bootout", this.target)];
      case "restart":
        return [c("kickstart", "-k", this.target)];
      case "status":
        return [c("print", this.target)];
    }
  }

  async #loaded(): Promise<boolean> {
    return (await this.#launchctl("print", this.target)).code === 0;
  }

  async #bootstrap(): Promise<RunResult[]> {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.dirname(this.logPaths().stdout), { recursive: true }).catch(() => {});
    const steps = [await this.#launchctl("bootstrap", this.domain, this.ctx.filePath)];
    steps.push(await this.#launchctl("enable", this.target));
    return steps;
  }

  async activate(): Promise<RunResult[]> {
    // Replace a loaded older definition; bootout of a job that is not loaded just fails.
    if (await this.#loaded()) await this.#launchctl("bootout", this.target);
    return this.#bootstrap();
  }

  async deactivate(): Promise<RunResult[]> {
    if (!(await this.#loaded())) return [];
    return [await this.#launchctl("bootout", this.target)];
  }

  async start(): Promise<RunResult[]> {
    if (!(await this.#loaded())) return this.#bootstrap();
    return [await this.#launchctl("kickstart", this.target)];
  }

  async stop(): Promise<RunResult[]> {
    return this.deactivate();
  }

  async restart(): Promise<RunResult[]> {
    if (!(await this.#loaded())) return this.#bootstrap();
    const kick = await this.#launchctl("kickstart", "-k", this.target);
    // A failed kickstart must not leave the job gone: bootstrap it again.
    if (kick.code !== 0 && !(await this.#loaded())) return [kick, ...(await this.#bootstrap())];
    return [kick];
  }

  async runtime(): Promise<UnitRuntime> {
    const print = await this.#launchctl("print", this.target);
    if (print.code !== 0) {
      return { state: "not-loaded", detail: print.missing ? "launchctl not found" : `not loaded in launchd (${firstErrorLine(print)})` };
    }
    return classifyLaunchdJob(parseLaunchctlPrint(print.stdout), this.ctx.name);
  }
}
