// Runs the checks; with `fix`, applies the repairs (config edits are gathered into one write,
// preceded by a timestamped backup) and checks again, so the report shows what remains.
import fs from "node:fs/promises";
import { parseJson5 } from "../config/json5-parse.js";
import { readConfigSnapshot } from "../config/load.js";
import { isPlainObject } from "../config/object-utils.js";
import { CHECKS } from "./checks.js";
import type { Check, DoctorContext, Finding, Severity } from "./types.js";

export interface DoctorOptions {
  configPath: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  fix?: boolean;
  deep?: boolean;
  generateToken?: boolean;
  /** Asked once before any repair when set (interactive --fix without --yes). */
  confirm?: (repairs: Finding[]) => Promise<boolean>;
  checks?: readonly Check[];
}

export interface DoctorFinding {
  id: string;
  severity: Severity;
  message: string;
  fix: string;
  fixable: boolean;
}

export interface DoctorReport {
  configPath: string;
  /** No error or warning remains. */
  ok: boolean;
  findings: DoctorFinding[];
  /** What --fix did, one line each. */
  fixed: string[];
  /** Repairs that failed, with why. */
  fixFailed: string[];
  backups: string[];
  elapsedMs: number;
}

const ORDER: Record<Severity, number> = { error: 0, warn: 1, info: 2 };

async function runChecks(ctx: DoctorContext, checks: readonly Check[]): Promise<Finding[]> {
  const results = await Promise.all(
    checks
      .filter((c) => ctx.deep || !c.deepOnly)
      .map((c) =>
        c.run(ctx).catch((err): Finding[] => [
          { id: `${c.id}.failed`, severity: "warn", message: `check ${c.id} could not run: ${(err as Error).message}`, fix: "rerun with OPENCLAW_DEBUG=1 and report it" },
        ]),
      ),
  );
  return results.flat().sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

async function context(opts: DoctorOptions, backups: string[]): Promise<DoctorContext> {
  const snapshot = await readConfigSnapshot(opts.configPath, opts.env);
  const draft = isPlainObject(snapshot.parsed) ? structuredClone(snapshot.parsed) : undefined;
  const parsed = snapshot.exists ? parseJson5(snapshot.raw ?? "", snapshot.path) : null;
  return {
    configPath: snapshot.path,
    stateDir: opts.stateDir,
    env: opts.env,
    deep: opts.deep === true,
    generateToken: opts.generateToken === true,
    snapshot,
    parseError: parsed && !parsed.ok ? parsed.issue.message : null,
    draft: { value: draft },
    backups,
  };
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-");
}

/** Applies the repairs: file repairs first, then one backed-up config write for the config edits. */
async function repair(ctx: DoctorContext, findings: Finding[], fixed: string[], failed: string[]) {
  const configRepairs = findings.filter((f) => f.repair && f.writesConfig);
  for (const f of findings.filter((x) => x.repair && !x.writesConfig)) {
    try {
      fixed.push(await f.repair!(ctx));
    } catch (err) {
      failed.push(`${f.id}: ${(err as Error).message}`);
    }
  }
  if (configRepairs.length === 0 || !ctx.draft.value || !ctx.snapshot.raw) return;
  const done: string[] = [];
  for (const f of configRepairs) done.push(await f.repair!(ctx));
  const { resolveConfigValue } = await import("../config/resolve.js");
  const before = await resolveConfigValue(ctx.snapshot.parsed, ctx.configPath, ctx.env);
  const after = await resolveConfigValue(ctx.draft.value, ctx.configPath, ctx.env);
  const issuesBefore = before.valid ? 0 : before.issues.length;
  const issuesAfter = after.valid ? 0 : after.issues.length;
  if (issuesAfter > issuesBefore) {
    failed.push(`config repairs not written: they would leave ${issuesAfter} problem(s) instead of ${issuesBefore}`);
    return;
  }
  // The doctor's own backup, kept beside the file and never overwritten by later writes.
  const backup = `${ctx.configPath}.doctor-${timestamp()}.bak`;
  await fs.copyFile(ctx.configPath, backup, fs.constants.COPYFILE_EXCL);
  await fs.chmod(backup, 0o600);
  ctx.backups.push(backup);
  const { writeConfigFile } = await import("../config/write.js");
  const { VERSION } = await import("../version.js");
  await writeConfigFile({ configPath: ctx.configPath, stateDir: ctx.stateDir, config: ctx.draft.value, source: "doctor --fix", version: VERSION, allowShrink: true });
  fixed.push(...done.map((d) => `${d} (backup: ${backup})`));
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const started = performance.now();
  const checks = opts.checks ?? CHECKS;
  const backups: string[] = [];
  const fixed: string[] = [];
  const fixFailed: string[] = [];
  let ctx = await context(opts, backups);
  let findings = await runChecks(ctx, checks);
  const repairable = findings.filter((f) => f.repair);
  if (opts.fix && repairable.length > 0 && (!opts.confirm || (await opts.confirm(repairable)))) {
    await repair(ctx, repairable, fixed, fixFailed);
    ctx = await context(opts, backups);
    findings = await runChecks(ctx, checks);
  }
  return {
    configPath: ctx.configPath,
    ok: !findings.some((f) => f.severity !== "info"),
    findings: findings.map((f) => ({ id: f.id, severity: f.severity, message: f.message, fix: f.fix, fixable: f.repair !== undefined })),
    fixed,
    fixFailed,
    backups,
    elapsedMs: Math.round(performance.now() - started),
  };
}

const MARK: Record<Severity, string> = { error: "✗ error", warn: "! warn ", info: "· info " };

/** The human report. */
export function renderDoctor(report: DoctorReport, fixRequested: boolean): string[] {
  const lines = [`openclaw doctor: ${report.configPath}`];
  for (const f of report.findings) {
    lines.push(`  ${MARK[f.severity]}  ${f.message}`);
    if (f.fix !== "none needed") lines.push(`           fix: ${f.fix}`);
  }
  for (const d of report.fixed) lines.push(`  ✓ fixed  ${d}`);
  for (const d of report.fixFailed) lines.push(`  ✗ not fixed  ${d}`);
  const problems = report.findings.filter((f) => f.severity !== "info");
  const fixable = problems.filter((f) => f.fixable).length;
  if (problems.length === 0) lines.push(`No problems found (${report.elapsedMs} ms).`);
  else {
    const hint = !fixRequested && fixable > 0 ? `; ${fixable} can be fixed with: openclaw doctor --fix` : "";
    lines.push(`${problems.length} problem(s) remain${hint}.`);
  }
  return lines;
}
