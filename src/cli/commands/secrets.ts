// `openclaw secrets reload` (RPC secrets.reload) and `openclaw secrets audit [--check] [--json]
// [--allow-exec]` (offline: reads the config file, never contacts the gateway).
import type { Command } from "commander";
import { resolveConfigPath, resolveStateDir } from "../../config/paths.js";
import { addConnectionOptions } from "../connection-options.js";
import { plural, printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";
import { CliError, EXIT_FAILURE } from "../cli-error.js";

export async function runSecretsReload(flags: RpcFlags & { json?: boolean }, env = process.env): Promise<number> {
  const { target } = await prepareGatewayTarget(flags, env);
  const { payload } = await callGateway<{ ok: true; warningCount: number }>(target, "secrets.reload", {});
  if (flags.json) printJson(payload);
  else printLines([`Secrets reloaded${payload.warningCount ? ` (${plural(payload.warningCount, "warning")}; see the gateway log)` : ""}.`]);
  return 0;
}

export async function runSecretsAudit(flags: { check?: boolean; json?: boolean; allowExec?: boolean }, env = process.env): Promise<number> {
  const [{ readConfigSnapshot }, { parseJson5 }, { auditSecrets, auditExitCode }] = await Promise.all([
    import("../../config/load.js"),
    import("../../config/json5-parse.js"),
    import("../../secrets/audit.js"),
  ]);
  const configPath = resolveConfigPath(env);
  const snapshot = await readConfigSnapshot(configPath, env);
  const parsed = snapshot.raw === null ? undefined : parseJson5(snapshot.raw, snapshot.path);
  if (parsed && !parsed.ok) throw new CliError(`cannot audit ${snapshot.path}: ${parsed.issue.message}`, EXIT_FAILURE);
  const report = await auditSecrets(snapshot, { env, stateDir: resolveStateDir(env), allowExec: flags.allowExec === true });
  if (flags.json) printJson(report);
  else {
    const lines = report.findings.map((f) => `[${f.code}] ${f.message}${f.file !== report.configPath ? ` (${f.file})` : ""}`);
    if (report.skippedExecRefs.length) lines.push(`${plural(report.skippedExecRefs.length, "exec ref")} not checked (run with --allow-exec to run exec resolvers)`);
    lines.push(
      report.status === "clean" ? `Secrets audit: clean (${report.configPath})`
      : `Secrets audit: ${report.status} (${plural(report.findings.length, "finding")} in ${report.configPath})`,
    );
    printLines(lines);
  }
  return auditExitCode(report, flags.check === true);
}

export function register(program: Command, setExit: SetExitCode): void {
  const secrets = program.command("secrets").description("reload and audit secret references (SecretRefs)");
  addConnectionOptions(
    secrets.command("reload").description("re-resolve every SecretRef in the running gateway (the last good snapshot stays on failure)").option("--json", "print JSON"),
  ).action(async (flags) => setExit(await runSecretsReload(flags)));
  secrets
    .command("audit")
    .description("check the config for plaintext secrets, unresolved and shadowed refs (offline)")
    .option("--check", "exit 1 when there are findings (unresolved refs always exit 2)")
    .option("--json", "print JSON")
    .option("--allow-exec", "also run exec resolvers to check their refs")
    .action(async (flags) => setExit(await runSecretsAudit(flags)));
}
