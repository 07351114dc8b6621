// `openclaw secrets audit`: an offline look at the config file and its includes (plus the state
// dir's .env) for plaintext secrets, refs that do not resolve, credentials set twice where one
// silently wins, and legacy keys. Findings name files and paths, never values.
import fs from "node:fs/promises";
import path from "node:path";
import JSON5 from "json5";
import { formatPath, getAtPath, type PathSegment } from "../config/dotpath.js";
import type { ConfigSnapshot } from "../config/load.js";
import { isPlainObject } from "../config/object-utils.js";
import { isSecretKey } from "../config/redact.js";
import { formatSecretFailure, resolveConfigSecrets } from "./resolve.js";
import { isSecretRefLike } from "./values.js";

export type AuditCode = "PLAINTEXT_FOUND" | "REF_UNRESOLVED" | "REF_SHADOWED" | "LEGACY_RESIDUE";

export interface AuditFinding {
  code: AuditCode;
  severity: "error" | "warn";
  file: string;
  path: string;
  message: string;
}

export interface AuditReport {
  status: "clean" | "findings" | "unresolved";
  configPath: string;
  findings: AuditFinding[];
  /** Exec refs not run (audit runs resolvers only with --allow-exec). */
  skippedExecRefs: string[];
  summary: Record<AuditCode, number>;
}

const ENV_REFERENCE_ONLY = /^\$\{[A-Z_][A-Z0-9_]*\}$/;

function plaintextIn(doc: unknown, file: string, into: AuditFinding[]) {
  const walk = (node: unknown, at: PathSegment[]) => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, [...at, i]));
    if (!isPlainObject(node) || isSecretRefLike(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (at.length === 0 && (key === "secrets" || key === "$include")) continue;
      const here = [...at, key];
      if (typeof value === "string" && value !== "" && isSecretKey(key) && !ENV_REFERENCE_ONLY.test(value)) {
        into.push({
          code: "PLAINTEXT_FOUND",
          severity: "warn",
          file,
          path: formatPath(here),
          message: `${formatPath(here)} holds a plaintext secret; replace it with a SecretRef ({source, provider, id})`,
        });
      } else walk(value, here);
    }
  };
  walk(doc, []);
}

async function plaintextInDotEnv(stateDir: string, into: AuditFinding[]) {
  const file = path.join(stateDir, ".env");
  const text = await fs.readFile(file, "utf8").catch(() => null);
  if (text === null) return;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m || !isSecretKey(m[1]!) || m[2]!.trim().replace(/^["']|["']$/g, "") === "") continue;
    into.push({ code: "PLAINTEXT_FOUND", severity: "warn", file, path: m[1]!, message: `${m[1]} holds a plaintext secret in ${file}` });
  }
}

// Credentials the gateway can take from config or from env; config wins (spec 5.1), so the other
// copy is dead weight that an operator may believe is in use.
const DUPLICATES: Array<{ path: string; env: string }> = [
  { path: "gateway.auth.token", env: "OPENCLAW_GATEWAY_TOKEN" },
  { path: "gateway.auth.password", env: "OPENCLAW_GATEWAY_PASSWORD" },
  { path: "models.providers.openai.apiKey", env: "OPENAI_API_KEY" },
  { path: "models.providers.anthropic.apiKey", env: "ANTHROPIC_API_KEY" },
];

function shadowed(config: unknown, file: string, env: NodeJS.ProcessEnv, into: AuditFinding[]) {
  for (const { path: p, env: name } of DUPLICATES) {
    const value = getAtPath(config, p);
    if (value === undefined || value === "" || !env[name]) continue;
    const kind = isSecretRefLike(value) ? "a SecretRef" : "a plaintext value";
    into.push({
      code: "REF_SHADOWED",
      severity: "warn",
      file,
      path: p,
      message: `${p} (${kind}) and the environment variable ${name} are both set; the config value wins and ${name} is ignored`,
    });
  }
}

/** Audits the config in `snapshot` (read by the caller). `allowExec` runs exec resolvers. */
export async function auditSecrets(
  snapshot: ConfigSnapshot,
  opts: { env: NodeJS.ProcessEnv; stateDir: string; allowExec?: boolean },
): Promise<AuditReport> {
  const findings: AuditFinding[] = [];
  const file = snapshot.path;
  plaintextIn(snapshot.parsed, file, findings);
  for (const included of snapshot.includedPaths) {
    const text = await fs.readFile(included, "utf8").catch(() => null);
    if (text === null) continue;
    try {
      plaintextIn(JSON5.parse(text), included, findings);
    } catch {
      // An unparseable include is a config error, reported by config validation.
    }
  }
  await plaintextInDotEnv(opts.stateDir, findings);

  const config = snapshot.valid ? snapshot.config : snapshot.parsed;
  const resolution = await resolveConfigSecrets(config, { env: opts.env, ...(opts.allowExec ? {} : { skipSources: ["exec"] as const }) });
  for (const failure of resolution.failures) {
    findings.push({ code: "REF_UNRESOLVED", severity: "error", file, path: failure.path, message: formatSecretFailure(failure) });
  }
  shadowed(config, file, opts.env, findings);
  if (isPlainObject(config) && isPlainObject(config.gateway) && config.gateway.token !== undefined) {
    findings.push({ code: "LEGACY_RESIDUE", severity: "warn", file, path: "gateway.token", message: 'legacy key gateway.token is ignored; remove it (use "gateway.auth.token")' });
  }

  const summary: Record<AuditCode, number> = { PLAINTEXT_FOUND: 0, REF_UNRESOLVED: 0, REF_SHADOWED: 0, LEGACY_RESIDUE: 0 };
  for (const f of findings) summary[f.code]++;
  const status = summary.REF_UNRESOLVED > 0 ? "unresolved" : findings.length > 0 ? "findings" : "clean";
  return { status, configPath: file, findings, skippedExecRefs: resolution.skipped.map((s) => s.path), summary };
}

/** Exit code: 2 with unresolved refs (always), 1 with other findings under --check, else 0. */
export function auditExitCode(report: AuditReport, check: boolean): number {
  if (report.status === "unresolved") return 2;
  if (report.status === "findings" && check) return 1;
  return 0;
}
