// Config problems as data: every load, include, env and validation failure is a ConfigIssue,
// so callers can print them all at once instead of failing on the first.
// Keep this file import-free: the CLI fast path reaches it through paths.ts.

/** One problem found in a config file; `path` is dotted ("" means the root). */
export interface ConfigIssue {
  file: string;
  path: string;
  message: string;
}

/** Formats an issue as one line: `<file>: <path or "(root)">: <message>`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.file}: ${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`;
}

/** An error carrying the config issues that caused it (possibly none, for usage errors). */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(message: string, issues: ConfigIssue[] = []) {
    super(message);
    this.name = "ConfigError";
    this.issues = issues;
  }

  /** Builds an error whose message lists every issue, one per line. */
  static fromIssues(issues: ConfigIssue[]): ConfigError {
    return new ConfigError(issues.map(formatConfigIssue).join("\n"), issues);
  }
}
