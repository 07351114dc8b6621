// `openclaw doctor`: read-only diagnosis unless --fix; each finding is one line with its exact fix.
// Exit 0 when no error or warning remains, 1 otherwise.
import type { Command } from "commander";
import { resolveConfigPath, resolveStateDir } from "../../config/paths.js";
import { printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";

export interface DoctorFlags {
  fix?: boolean;
  repair?: boolean;
  yes?: boolean;
  json?: boolean;
  deep?: boolean;
  nonInteractive?: boolean;
  generateGatewayToken?: boolean;
}

async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runDoctorCommand(flags: DoctorFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { runDoctor, renderDoctor } = await import("../../doctor/run.js");
  const fix = flags.fix === true || flags.repair === true;
  const interactive = process.stdin.isTTY === true && !flags.yes && !flags.nonInteractive && !flags.json;
  const report = await runDoctor({
    configPath: resolveConfigPath(env),
    stateDir: resolveStateDir(env),
    env,
    fix,
    deep: flags.deep === true,
    generateToken: flags.generateGatewayToken === true,
    ...(interactive
      ? {
          confirm: (repairs) => {
            printLines(["Repairs to apply:", ...repairs.map((r) => `  - ${r.message}`)]);
            return askYesNo("Apply them (the config is backed up first)? [y/N] ");
          },
        }
      : {}),
  });
  if (flags.json) printJson(report);
  else printLines(renderDoctor(report, fix));
  return report.ok ? 0 : 1;
}

export function register(program: Command, setExit: SetExitCode): void {
  program
    .command("doctor")
    .description("diagnose config, permissions, ports, locks, providers and secrets (read-only unless --fix)")
    .option("--fix", "apply the safe repairs it reports (the config is backed up first)")
    .option("--repair", "same as --fix")
    .option("--yes", "do not ask before repairing")
    .option("--non-interactive", "never prompt")
    .option("--deep", "also run slower checks (exec secrets)")
    .option("--generate-gateway-token", "with --fix: replace a weak gateway token with a new one")
    .option("--json", "print the report as JSON")
    .action(async (flags: DoctorFlags) => setExit(await runDoctorCommand(flags)));
}
