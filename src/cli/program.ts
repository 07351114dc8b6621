// The `openclaw` commander program: root flags, error rendering, and lazy registration (only the
// invoked command's module is loaded; help and unknown commands load them all).
import { Command, CommanderError } from "commander";
import { applyCliProfile } from "../config/paths.js";
import { VERSION } from "../version.js";
import { CliError, EXIT_FAILURE, EXIT_USAGE, usageError } from "./cli-error.js";

/** Commands report their exit code through this instead of exiting themselves. */
export type SetExitCode = (code: number) => void;

/** What every module under `commands/` exports. */
export interface CommandModule {
  register(program: Command, setExit: SetExitCode): void;
}

// Order is the order of `openclaw --help`.
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  setup: () => import("./commands/setup.js"),
  gateway: () => import("./commands/gateway.js"),
  status: () => import("./commands/status.js"),
  health: () => import("./commands/health.js"),
  logs: () => import("./commands/logs.js"),
  config: () => import("./commands/config.js"),
  agent: () => import("./commands/agent.js"),
  sessions: () => import("./commands/sessions.js"),
  models: () => import("./commands/models.js"),
  devices: () => import("./commands/devices.js"),
  doctor: () => import("./commands/doctor.js"),
  secrets: () => import("./commands/secrets.js"),
  channels: () => import("./commands/channels.js"),
  message: () => import("./commands/message.js"),
  pairing: () => import("./commands/pairing.js"),
  cron: () => import("./commands/cron.js"),
  dashboard: () => import("./commands/dashboard.js"),
};

// Root options that take a value, so the value is not mistaken for the command name.
const ROOT_VALUE_OPTIONS = new Set(["--profile"]);

/** The first operand of `args` (the command name), skipping root options. */
export function findCommandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") return args[i + 1];
    if (ROOT_VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return arg;
  }
  return undefined;
}

function createProgram(): Command {
  const program = new Command("openclaw");
  program
    .description("OpenClaw-compatible gateway: one process, one port (WebSocket RPC + HTTP)")
    .version(VERSION, "-V, --version", "print the version")
    .option("--profile <name>", "isolate state under ~/.openclaw-<name> (config, sessions, lock)")
    .option("--dev", "same as --profile dev, with port 19001 unless OPENCLAW_GATEWAY_PORT is set")
    // Root flags only before the command, so `openclaw gateway --dev` reaches the gateway's own --dev.
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`openclaw: ${text.replace(/^error: /, "")}`),
    });
  // Profiles change every path, so they are applied before any action resolves one.
  program.hook("preAction", () => {
    try {
      applyCliProfile(program.opts<{ profile?: string; dev?: boolean }>(), process.env);
    } catch (err) {
      throw usageError((err as Error).message);
    }
  });
  return program;
}

function printError(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`${err.render().join("\n")}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`openclaw: ${message}\n`);
  if (process.env.OPENCLAW_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT_FAILURE;
}

/** Runs the CLI on `args` (argv without node and the script) and resolves with the exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExit: SetExitCode = (code) => {
    exitCode = code;
  };
  const program = createProgram();
  const name = findCommandName(args);
  const versionOnly = name === undefined && (args.includes("--version") || args.includes("-V"));
  const loaders =
    name !== undefined && Object.hasOwn(COMMANDS, name) ? [COMMANDS[name]!] : versionOnly ? [] : Object.values(COMMANDS);
  for (const mod of await Promise.all(loaders.map((load) => load()))) mod.register(program, setExit);
  try {
    await program.parseAsync([...args], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    return printError(err);
  }
}
