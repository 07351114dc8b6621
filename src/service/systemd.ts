// systemd backend: user units (`systemctl --user`) or system units (`--system`, with `User=`).
// Every start first clears a start-limit-hit state, so `restart` recovers a crash-looped unit.
import { stat } from "node:fs/promises";
import os from "node:os";
import type { Availability, ServiceAction, ServiceBackend } from "./backend.js";
import { defaultServiceDir, serviceDescription, serviceProgram, type ServiceContext } from "./context.js";
import { commandLine, execRunner, firstErrorLine, type CommandRunner, type RunResult } from "./runner.js";
import { classifyUnit, parseShowOutput, SHOW_PROPERTIES, type UnitRuntime } from "./systemd-status.js";
import { renderSystemdUnit } from "./systemd-unit.js";

export class SystemdBackend implements ServiceBackend {
  readonly title: string;
  readonly #run: CommandRunner;
  readonly #scope: string[];

  constructor(
    readonly ctx: ServiceContext,
    run: CommandRunner = execRunner,
    readonly runDir = "/run/systemd/system",
  ) {
    this.#run = run;
    this.#scope = ctx.system ? [] : ["--user"];
    this.title = `systemd (${ctx.system ? "system" : "user"})`;
  }

  render(opts: { port?: number; token?: string; runAs?: string }): string {
    const program = serviceProgram(this.ctx, opts);
    const user = this.ctx.system ? (opts.runAs ?? this.ctx.env.SUDO_USER ?? os.userInfo().username) : undefined;
    return renderSystemdUnit({ ...program, description: serviceDescription(this.ctx), system: this.ctx.system, ...(user ? { user } : {}) });
  }

  #systemctl(...args: string[]): Promise<RunResult> {
    return this.#run("systemctl", [...this.#scope, ...args], { timeoutMs: 60_000 });
  }

  /** The unit lives outside systemd's search path (--unit-dir / OPENCLAW_SERVICE_DIR). */
  get customDir(): boolean {
    return this.ctx.dir !== defaultServiceDir("systemd", this.ctx.system, this.ctx.env);
  }

  async availability(): Promise<Availability> {
    if (this.customDir) {
      return { available: false, reason: `${this.ctx.dir} is not a directory systemd loads units from (custom --unit-dir or OPENCLAW_SERVICE_DIR)` };
    }
    // sd_booted(): systemd is PID 1 exactly when this directory exists.
    const booted = await stat(this.runDir).then((s) => s.isDirectory(), () => false);
    if (!booted) return { available: false, reason: "systemd is not the init system here, as in a container or WSL without systemd" };
    if (!this.ctx.system) {
      const probe = await this.#systemctl("show-environment");
      if (probe.missing) return { available: false, reason: "systemctl not found" };
      if (probe.code !== 0) {
        return {
          available: false,
          reason: `systemctl --user cannot reach the user manager: ${firstErrorLine(probe)} (log in, or run loginctl enable-linger, or use --system)`,
        };
      }
    }
    return { available: true };
  }

  manualCommands(action: ServiceAction): string[] {
    const c = (...args: string[]) => commandLine("systemctl", [...this.#scope, ...args]);
    const unit = this.ctx.name;
    switch (action) {
      case "install":
        // A unit outside the search path is linked in by enabling it through its full path.
        return [c("daemon-reload"), c("enable", this.customDir ? this.ctx.filePath : unit), c("reset-failed", unit), c("restart", unit)];
      case "uninstall":
        return [c("disable", "--now", unit), commandLine("rm", ["-f", this.ctx.filePath]), c("daemon-reload")];
      case "start":
        return [c("reset-failed", unit), c("start", unit)];
      case "stop":
        return [c("stop", unit)];
      case "restart":
        return [c("daemon-reload"), c("reset-failed", unit), c("restart", unit)];
      case "status":
        return [c("status", unit), commandLine("journalctl", [...this.#scope, "-u", unit, "-n", "50"])];
    }
  }

  async activate(): Promise<RunResult[]> {
    const steps = [await this.#systemctl("daemon-reload")];
    if (steps[0]!.code !== 0) return steps;
    const enable = await this.#systemctl("enable", this.ctx.name);
    steps.push(enable);
    if (enable.code !== 0) return steps;
    return [...steps, ...(await this.#resetAnd("restart"))];
  }

  async deactivate(): Promise<RunResult[]> {
    const steps = [await this.#systemctl("disable", "--now", this.ctx.name)];
    return steps;
  }

  async afterRemove(): Promise<RunResult[]> {
    return [await this.#systemctl("daemon-reload")];
  }

  // `reset-failed` fails harmlessly on a unit that never failed; its result is not a step.
  async #resetAnd(verb: "start" | "restart"): Promise<RunResult[]> {
    await this.#systemctl("reset-failed", this.ctx.name);
    return [await this.#systemctl(verb, this.ctx.name)];
  }

  start(): Promise<RunResult[]> {
    return this.#resetAnd("start");
  }

  async stop(): Promise<RunResult[]> {
    return [await this.#systemctl("stop", this.ctx.name)];
  }

  async restart(): Promise<RunResult[]> {
    // daemon-reload first: an edited unit takes effect on this restart (users had to stop+start).
    const reload = await this.#systemctl("daemon-reload");
    if (reload.code !== 0) return [reload];
    return [reload, ...(await this.#resetAnd("restart"))];
  }

  async runtime(): Promise<UnitRuntime> {
    const show = await this.#systemctl("show", this.ctx.name, `--property=${SHOW_PROPERTIES.join(",")}`);
    if (show.code !== 0) return { state: "not-loaded", detail: `systemctl show failed: ${firstErrorLine(show)}` };
    return classifyUnit(parseShowOutput(show.stdout), this.ctx.name, this.ctx.system ? "--system" : "--user");
  }
}
