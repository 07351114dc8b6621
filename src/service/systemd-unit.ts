// The systemd unit for a supervised gateway (reference body, spec 6.2): restarts on crashes, but
// exit 78 (config error) never restarts and a start limit turns a crash loop into a visible
// `start-limit-hit` instead of a restart storm.

export interface ServiceProgram {
  /** argv: node, the CLI entry, then `gateway run ...`. */
  programArguments: string[];
  workingDirectory?: string;
  environment: Record<string, string>;
}

export interface SystemdUnitOptions extends ServiceProgram {
  description: string;
  /** System units run as this user (`User=`); user units leave it out. */
  user?: string;
  system?: boolean;
}

/** Restart policy numbers, shared with the docs and the status explanations. */
export const SYSTEMD_POLICY = {
  restartSec: 5,
  startLimitBurst: 5,
  startLimitIntervalSec: 60,
  timeoutStartSec: 30,
  timeoutStopSec: 30,
  configExitStatus: 78,
} as const;

/** Quotes one ExecStart word the way systemd splits them (only when needed). */
export function quoteSystemdArg(arg: string): string {
  if (arg !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg.replace(/%/g, "%%");
  return `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%").replace(/\$/g, "$$$$")}"`;
}

function environmentLine(key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`invalid environment variable name: ${key}`);
  if (/[\r\n]/.test(value)) throw new Error(`environment value for ${key} contains a line break`);
  return `Environment="${`${key}=${value}`.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%")}"`;
}

/** Renders the unit file text. */
export function renderSystemdUnit(opts: SystemdUnitOptions): string {
  const p = SYSTEMD_POLICY;
  const lines = [
    "[Unit]",
    `Description=${opts.description}`,
    "After=network-online.target",
    "Wants=network-online.target",
    `StartLimitBurst=${p.startLimitBurst}`,
    `StartLimitIntervalSec=${p.startLimitIntervalSec}`,
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${opts.programArguments.map(quoteSystemdArg).join(" ")}`,
  ];
  if (opts.system && opts.user) lines.push(`User=${opts.user}`);
  if (opts.workingDirectory) lines.push(`WorkingDirectory=${quoteSystemdArg(opts.workingDirectory)}`);
  lines.push(
    "Restart=always",
    `RestartSec=${p.restartSec}`,
    `RestartPreventExitStatus=${p.configExitStatus}`,
    `TimeoutStartSec=${p.timeoutStartSec}`,
    `TimeoutStopSec=${p.timeoutStopSec}`,
    "SuccessExitStatus=0 143",
    "KillMode=control-group",
    "StandardInput=null",
  );
  for (const [key, value] of Object.entries(opts.environment)) lines.push(environmentLine(key, value));
  lines.push("", "[Install]", `WantedBy=${opts.system ? "multi-user.target" : "default.target"}`, "");
  return lines.join("\n");
}

/** Parses a unit file into section -> key -> values (repeated keys keep every value). */
export function parseUnitFile(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections.get(header[1]!) ?? new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (!current || eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const values = current.get(key) ?? [];
    values.push(line.slice(eq + 1).trim());
    current.set(key, values);
  }
  return sections;
}

/** Splits an ExecStart value into words (double quotes, backslash escapes, `%%`). */
export function splitExecStart(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (value[i] === " ") i++;
    if (i >= value.length) break;
    let word = "";
    if (value[i] === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === "\\" && i + 1 < value.length) i++;
        word += value[i++];
      }
      i++;
    } else {
      while (i < value.length && value[i] !== " ") word += value[i++];
    }
    words.push(word.replace(/%%/g, "%").replace(/\$\$/g, "$"));
  }
  return words;
}

/** Environment= values back into a record (the inverse of the renderer's quoting). */
export function parseEnvironment(values: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    for (const word of splitExecStart(value)) {
      const eq = word.indexOf("=");
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
}
