// What a doctor check reports: one line, a severity, and the exact fix (a command to run or an
// edit to make). A fixable finding carries the repair `--fix` applies.
import type { ConfigSnapshot } from "../config/load.js";

export type Severity = "error" | "warn" | "info";

export interface Finding {
  /** Stable id, e.g. `config.unknown-key` (for --json consumers and tests). */
  id: string;
  severity: Severity;
  /** One line saying what is wrong. */
  message: string;
  /** The exact fix: a command, or the edit to make. */
  fix: string;
  /** Present when `--fix` can repair it; returns what it did (one line). */
  repair?: (ctx: DoctorContext) => Promise<string>;
  /** Repairs that write the config file are grouped, so the file is backed up once and written once. */
  writesConfig?: boolean;
}

export interface DoctorContext {
  configPath: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  deep: boolean;
  /** Generate a new gateway token when the current one is weak (`--generate-gateway-token`). */
  generateToken: boolean;
  snapshot: ConfigSnapshot;
  /** Why the file does not parse as JSON5, or null when it does (or does not exist). */
  parseError: string | null;
  /** The config as it will be written by the config repairs (they edit this in turn). */
  draft: { value: Record<string, unknown> | undefined };
  /** Paths of backups made during this run. */
  backups: string[];
}

export interface Check {
  id: string;
  /** Checks that need the network or spawn processes run only with --deep. */
  deepOnly?: boolean;
  run(ctx: DoctorContext): Promise<Finding[]>;
}
