// `openclaw setup`: the smallest config a local gateway starts with, plus the state and
// workspace directories. An existing config is never replaced: --force only sets gateway.mode.
import { mkdir } from "node:fs/promises";
import type { Command } from "commander";
import { formatConfigIssue } from "../../config/errors.js";
import { setAtPath } from "../../config/dotpath.js";
import { isPlainObject } from "../../config/object-utils.js";
import { DEFAULT_GATEWAY_PORT, resolveConfigPath, resolveStateDir, resolveWorkspaceDir } from "../../config/paths.js";
import { EXIT_CONFIG } from "../../errors.js";
import { VERSION } from "../../version.js";
import { CliError } from "../cli-error.js";
import { readConfigTree } from "../config-tree.js";
import { printLines } from "../format.js";
import type { SetExitCode } from "../program.js";

/** What `setup` writes when there is no config: token auth (the gateway generates the token on first start). */
export function minimalConfig(): Record<string, unknown> {
  return { gateway: { mode: "local", bind: "loopback", port: DEFAULT_GATEWAY_PORT, auth: { mode: "token" } } };
}

/** The command that starts the gateway for the active root flags (`openclaw --dev gateway`, …). */
export function gatewayCommandFor(root: { profile?: string; dev?: boolean }): string {
  if (root.dev) return "openclaw --dev gateway";
  if (root.profile) return `openclaw --profile ${root.profile} gateway`;
  return "openclaw gateway";
}

export async function runSetup(
  flags: { force?: boolean },
  root: { profile?: string; dev?: boolean } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const configPath = resolveConfigPath(env);
  const stateDir = resolveStateDir(env);
  const workspace = resolveWorkspaceDir(env);
  const lines: string[] = [];

  const tree = await readConfigTree(configPath, env);
  let next: Record<string, unknown> | undefined;
  if (!tree.exists) {
    next = minimalConfig();
    lines.push(`Wrote ${configPath} (gateway.mode=local, bind=loopback, port ${DEFAULT_GATEWAY_PORT}, token auth).`);
  } else if (!flags.force) {
    lines.push(`Config exists: ${configPath} (left unchanged; pass --force to set gateway.mode=local in it).`);
  } else {
    if (!tree.parsedOk) {
      throw new CliError(`Cannot update ${configPath}: it does not parse.`, EXIT_CONFIG, { lines: tree.issues.map(formatConfigIssue) });
    }
    const merged = setAtPath(isPlainObject(tree.parsed) ? tree.parsed : {}, "gateway.mode", "local");
    next = merged as Record<string, unknown>;
    lines.push(`Updated ${configPath}: set gateway.mode=local (other settings kept).`);
  }

  // The state dir holds secrets (config, device tokens): owner-only, as the config writer also makes it.
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  if (next) {
    const { writeConfigFile } = await import("../../config/write.js");
    await writeConfigFile({ configPath, stateDir, config: next, source: "cli setup", allowShrink: true, version: VERSION });
  }
  await mkdir(workspace, { recursive: true, mode: 0o700 });
  lines.push(`State dir: ${stateDir}`, `Workspace: ${workspace}`, `Next: ${gatewayCommandFor(root)}`);
  printLines(lines);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  program
    .command("setup")
    .description("create a minimal local config, the state dir and the workspace")
    .option("--force", "when a config exists, set gateway.mode=local in it (nothing else changes)")
    .action(async (flags: { force?: boolean }) => {
      setExit(await runSetup(flags, program.opts<{ profile?: string; dev?: boolean }>()));
    });
}
