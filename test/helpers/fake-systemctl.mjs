#!/usr/bin/env node
// A stand-in for `systemctl --user` on hosts without systemd (tests only): it really runs the
// unit's ExecStart with its Environment= lines under a tiny supervisor that records the main pid
// and the exit status, and answers `show` with the properties systemd would print. No restarts.
// Usage: fake-systemctl.mjs <stateDir> <unitDir> [--user] <verb> [unit] [...]
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const [stateDir, unitDir, ...rest] = process.argv.slice(2);
const args = rest.filter((a) => a !== "--user" && !a.startsWith("--property="));
const [verb, unit] = args;
const stateFile = unit ? path.join(stateDir, `${path.basename(unit)}.json`) : "";
const read = () => (stateFile && fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : {});
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stop() {
  const s = read();
  if (s.running && s.pid && alive(s.pid)) {
    process.kill(s.pid, "SIGTERM");
    for (let i = 0; i < 200 && read().running; i++) await sleep(50);
  }
}

const SUPERVISOR = `
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const [file, argv, env] = JSON.parse(process.argv[1]);
const child = spawn(argv[0], argv.slice(1), { env, stdio: "ignore" });
fs.writeFileSync(file, JSON.stringify({ running: true, pid: child.pid }));
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => {
  fs.writeFileSync(file, JSON.stringify({ running: false, exit: signal ? { code: 2, status: 15 } : { code: 1, status: code } }));
  process.exit(0);
});
`;

async function start() {
  const text = fs.readFileSync(path.join(unitDir, unit), "utf8");
  const exec = /^ExecStart=(.*)$/m.exec(text)[1].split(" ");
  const env = { PATH: process.env.PATH };
  for (const m of text.matchAll(/^Environment="([^=]+)=(.*)"$/gm)) env[m[1]] = m[2];
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  fs.rmSync(stateFile, { force: true });
  const sup = spawn(process.execPath, ["-e", SUPERVISOR, JSON.stringify([stateFile, exec, env])], { detached: true, stdio: "ignore" });
  sup.unref();
  for (let i = 0; i < 100 && !read().pid && !read().exit; i++) await sleep(50);
}

function show() {
  const s = read();
  const lines = [];
  if (!fs.existsSync(path.join(unitDir, unit))) {
    lines.push("MainPID=0", "NRestarts=0", "ExecMainCode=0", "ExecMainStatus=0", "Result=success", "LoadState=not-found", "ActiveState=inactive", "SubState=dead");
  } else if (s.running) {
    lines.push(`MainPID=${s.pid}`, "NRestarts=0", "ExecMainCode=0", "ExecMainStatus=0", "Result=success", "LoadState=loaded", "ActiveState=active", "SubState=running");
  } else if (s.exit && !(s.exit.code === 1 && s.exit.status === 0) && !(s.exit.code === 2 && s.exit.status === 15)) {
    lines.push("MainPID=0", "NRestarts=0", `ExecMainCode=${s.exit.code}`, `ExecMainStatus=${s.exit.status}`, s.exit.code === 1 ? "Result=exit-code" : "Result=signal", "LoadState=loaded", "ActiveState=failed", "SubState=failed");
  } else {
    lines.push("MainPID=0", "NRestarts=0", "ExecMainCode=0", "ExecMainStatus=0", "Result=success", "LoadState=loaded", "ActiveState=inactive", "SubState=dead");
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

switch (verb) {
  case "show-environment":
  case "daemon-reload":
  case "enable":
  case "reset-failed":
    break;
  case "disable":
    if (args.includes("--now")) await stop();
    break;
  case "start":
  case "restart":
    await stop();
    await start();
    break;
  case "stop":
    await stop();
    break;
  case "show":
    show();
    break;
  default:
    process.stderr.write(`fake-systemctl: unknown verb ${verb}\n`);
    process.exit(1);
}
