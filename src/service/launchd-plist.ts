// The launchd property list for a supervised gateway: `gateway run` directly (no wrapper script),
// stdin from /dev/null and stdout/stderr to ~/Library/Logs so it never hangs on a closed terminal.

import type { ServiceProgram } from "./systemd-unit.js";

export interface LaunchdPlistOptions extends ServiceProgram {
  label: string;
  stdoutPath: string;
  stderrPath: string;
  /** LaunchDaemons (`--system`) run as this user. */
  userName?: string;
}

/** Seconds launchd waits between relaunches; a config error (exit 78) is retried this slowly. */
export const LAUNCHD_THROTTLE_SEC = 30;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const str = (value: string) => `<string>${escapeXml(value)}</string>`;

/** Renders the plist XML. */
export function renderLaunchdPlist(opts: LaunchdPlistOptions): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    "<dict>",
    `  <key>Label</key>${str(opts.label)}`,
    "  <key>ProgramArguments</key>",
    "  <array>",
    ...opts.programArguments.map((arg) => `    ${str(arg)}`),
    "  </array>",
  ];
  if (opts.workingDirectory) out.push(`  <key>WorkingDirectory</key>${str(opts.workingDirectory)}`);
  if (opts.userName) out.push(`  <key>UserName</key>${str(opts.userName)}`);
  out.push("  <key>EnvironmentVariables</key>", "  <dict>");
  for (const [key, value] of Object.entries(opts.environment)) out.push(`    <key>${escapeXml(key)}</key>${str(value)}`);
  out.push(
    "  </dict>",
    "  <key>RunAtLoad</key><true/>",
    // Relaunch after a crash only: a clean exit (for example "already running") stays down.
    "  <key>KeepAlive</key>",
    "  <dict>",
    "    <key>SuccessfulExit</key><false/>",
    "  </dict>",
    `  <key>ThrottleInterval</key><integer>${LAUNCHD_THROTTLE_SEC}</integer>`,
    "  <key>ProcessType</key><string>Background</string>",
    `  <key>StandardInPath</key>${str("/dev/null")}`,
    `  <key>StandardOutPath</key>${str(opts.stdoutPath)}`,
    `  <key>StandardErrorPath</key>${str(opts.stderrPath)}`,
    "</dict>",
    "</plist>",
    "",
  );
  return out.join("\n");
}
