// `gateway status --deep`: everything else on this host that looks like a gateway. Other service
// files, other gateway processes (/proc/*/cmdline), lock holders and whoever listens on the port
// (/proc/net/tcp{,6} socket inodes mapped to pids through /proc/*/fd). Best effort, Linux-first;
// the parsers are pure and unit-tested.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isPidAlive, processStartTime } from "../gateway/lock.js";
import { isGatewayLikeServiceFile } from "./names.js";

export interface TcpSocket {
  address: string;
  port: number;
  /** Kernel TCP state; `0A` is LISTEN. */
  state: string;
  uid: number;
  inode: number;
}

function decodeIPv4(hex: string): string {
  // Little-endian 32-bit word.
  const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.join(".");
}

function decodeIPv6(hex: string): string {
  // Four little-endian 32-bit words.
  const groups: string[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    const bytes = [6, 4, 2, 0].map((i) => word.slice(i, i + 2)).join("");
    groups.push(bytes.slice(0, 4), bytes.slice(4, 8));
  }
  const full = groups.map((g) => parseInt(g, 16).toString(16)).join(":");
  if (full.startsWith("0:0:0:0:0:ffff:")) {
    const v4 = groups.slice(6).join("");
    return `::ffff:${[0, 2, 4, 6].map((i) => parseInt(v4.slice(i, i + 2), 16)).join(".")}`;
  }
  // Collapse the longest run of zero groups.
  const best = /(?:^|:)(0(?::0)+)(?::|$)/g;
  let longest = "";
  for (const m of full.matchAll(best)) if (m[1]!.length > longest.length) longest = m[1]!;
  if (!longest) return full;
  const i = full.indexOf(longest);
  const head = full.slice(0, i).replace(/:$/, "");
  const tail = full.slice(i + longest.length).replace(/^:/, "");
  return `${head}::${tail}`;
}

/** Parses /proc/net/tcp or /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string): TcpSocket[] {
  const out: TcpSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addrHex, portHex] = f[1]!.split(":");
    if (!addrHex || !portHex) continue;
    const address = addrHex.length === 8 ? decodeIPv4(addrHex) : addrHex.length === 32 ? decodeIPv6(addrHex) : undefined;
    const inode = Number(f[9]);
    if (address === undefined || !Number.isInteger(inode)) continue;
    out.push({ address, port: parseInt(portHex, 16), state: f[3]!.toUpperCase(), uid: Number(f[7]), inode });
  }
  return out;
}

/** `socket:[12345]` (a /proc/<pid>/fd link target) to its inode. */
export function socketInode(link: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : undefined;
}

const MANAGEMENT = new Set(["status", "stop", "install", "uninstall", "start", "restart", "call", "health", "probe", "discover", "usage-cost"]);

/** True for an argv that runs an OpenClaw (or legacy clawdbot) gateway, not a CLI command about one. */
export function looksLikeGatewayCommand(argv: readonly string[]): boolean {
  const cli = argv.findIndex((a) => /(^|[/\\])(openclaw|clawdbot)([^/\\]*)$/i.test(a) || /(openclaw|clawdbot)[^/\\]*[/\\](bin|dist)[/\\]/i.test(a));
  if (cli < 0) return false;
  const gw = argv.indexOf("gateway", cli + 1);
  if (gw < 0) return false;
  const next = argv.slice(gw + 1).find((a) => !a.startsWith("-"));
  return next === undefined || !MANAGEMENT.has(next);
}

/** NUL-separated /proc/<pid>/cmdline to argv. */
export function parseCmdline(raw: string): string[] {
  return raw.split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
}

export interface GatewayProcess {
  pid: number;
  command: string;
}

async function listPids(proc: string): Promise<number[]> {
  const names = await fs.readdir(proc).catch(() => [] as string[]);
  return names.filter((n) => /^\d+$/.test(n)).map(Number);
}

/** Other processes running a gateway (Linux /proc; empty elsewhere). */
export async function scanGatewayProcesses(opts: { proc?: string; selfPid?: number } = {}): Promise<GatewayProcess[]> {
  const proc = opts.proc ?? "/proc";
  const self = opts.selfPid ?? process.pid;
  const out: GatewayProcess[] = [];
  for (const pid of await listPids(proc)) {
    if (pid === self) continue;
    const raw = await fs.readFile(path.join(proc, String(pid), "cmdline"), "utf8").catch(() => "");
    const argv = parseCmdline(raw);
    if (looksLikeGatewayCommand(argv)) out.push({ pid, command: argv.join(" ") });
  }
  return out;
}

export interface Listener {
  address: string;
  port: number;
  pid?: number;
  command?: string;
}

/** Who listens on `port` (pids only where /proc/<pid>/fd is readable). */
export async function scanListeners(port: number, opts: { proc?: string } = {}): Promise<Listener[]> {
  const proc = opts.proc ?? "/proc";
  const sockets: TcpSocket[] = [];
  for (const file of ["tcp", "tcp6"]) {
    const text = await fs.readFile(path.join(proc, "net", file), "utf8").catch(() => "");
    sockets.push(...parseProcNetTcp(text).filter((s) => s.state === "0A" && s.port === port));
  }
  if (sockets.length === 0) return [];
  const wanted = new Map(sockets.map((s) => [s.inode, s]));
  const owners = new Map<number, number>();
  for (const pid of await listPids(proc)) {
    const fdDir = path.join(proc, String(pid), "fd");
    const fds = await fs.readdir(fdDir).catch(() => [] as string[]);
    for (const fd of fds) {
      const inode = socketInode(await fs.readlink(path.join(fdDir, fd)).catch(() => ""));
      if (inode !== undefined && wanted.has(inode) && !owners.has(inode)) owners.set(inode, pid);
    }
  }
  const out: Listener[] = [];
  for (const s of sockets) {
    const l: Listener = { address: s.address, port: s.port };
    const pid = owners.get(s.inode);
    if (pid !== undefined) {
      l.pid = pid;
      const raw = await fs.readFile(path.join(proc, String(pid), "cmdline"), "utf8").catch(() => "");
      if (raw) l.command = parseCmdline(raw).join(" ");
    }
    out.push(l);
  }
  return out;
}

export interface LockInfo {
  path: string;
  pid: number;
  alive: boolean;
  configPath?: string;
  port?: number;
  createdAt?: string;
}

/** Every gateway lock in this user's lock dir (`<tmpdir>/openclaw-<uid>/gateway.*.lock`). */
export async function scanLocks(dir: string = path.join(os.tmpdir(), `openclaw-${process.getuid?.() ?? 0}`)): Promise<LockInfo[]> {
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => /^gateway\.[0-9a-f]+\.lock$/.test(n));
  const out: LockInfo[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    let payload: { pid?: unknown; configPath?: unknown; port?: unknown; createdAt?: unknown; startTime?: unknown };
    try {
      payload = JSON.parse(await fs.readFile(file, "utf8"));
    } catch {
      continue;
    }
    if (typeof payload.pid !== "number") continue;
    let alive = isPidAlive(payload.pid);
    if (alive && typeof payload.startTime === "number") {
      const actual = processStartTime(payload.pid);
      if (actual !== undefined && actual !== payload.startTime) alive = false;
    }
    const info: LockInfo = { path: file, pid: payload.pid, alive };
    if (typeof payload.configPath === "string") info.configPath = payload.configPath;
    if (typeof payload.port === "number") info.port = payload.port;
    if (typeof payload.createdAt === "string") info.createdAt = payload.createdAt;
    out.push(info);
  }
  return out;
}

export interface ExtraService {
  label: string;
  detail: string;
  scope: "user" | "system";
}

/** Directories where gateway-like service files may live. */
export function serviceScanDirs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): { dir: string; scope: "user" | "system" }[] {
  const override = env.OPENCLAW_SERVICE_DIR?.trim();
  if (override) return [{ dir: path.resolve(override), scope: "user" }];
  const home = env.HOME?.trim() || os.homedir();
  if (platform === "darwin") {
    return [
      { dir: path.join(home, "Library", "LaunchAgents"), scope: "user" },
      { dir: "/Library/LaunchAgents", scope: "system" },
      { dir: "/Library/LaunchDaemons", scope: "system" },
    ];
  }
  const xdg = env.XDG_CONFIG_HOME?.trim() || path.join(home, ".config");
  return [
    { dir: path.join(xdg, "systemd", "user"), scope: "user" },
    { dir: "/etc/systemd/user", scope: "system" },
    { dir: "/etc/systemd/system", scope: "system" },
    { dir: "/usr/lib/systemd/system", scope: "system" },
    { dir: "/lib/systemd/system", scope: "system" },
  ];
}

/** Gateway-like service files other than `ownFile`. */
export async function scanServiceFiles(dirs: { dir: string; scope: "user" | "system" }[], ownFile: string): Promise<ExtraService[]> {
  const out: ExtraService[] = [];
  const seen = new Set<string>();
  for (const { dir, scope } of dirs) {
    for (const name of (await fs.readdir(dir).catch(() => [] as string[])).sort()) {
      const file = path.join(dir, name);
      // /lib and /usr/lib are often the same directory: one entry per name and scope.
      const key = `${scope}:${name}`;
      if (!isGatewayLikeServiceFile(name) || file === ownFile || seen.has(key)) continue;
      seen.add(key);
      out.push({ label: name.replace(/\.(service|plist)$/, ""), detail: file, scope });
    }
  }
  return out;
}

export interface DeepScan {
  extraServices: ExtraService[];
  processes: GatewayProcess[];
  locks: LockInfo[];
  listeners: Listener[];
}

/** All four scans at once (each best effort: what cannot be read is left out). */
export async function scanDeep(opts: { port: number; ownServiceFile?: string; env: NodeJS.ProcessEnv }): Promise<DeepScan> {
  const [extraServices, processes, locks, listeners] = await Promise.all([
    scanServiceFiles(serviceScanDirs(opts.env), opts.ownServiceFile ?? ""),
    scanGatewayProcesses(),
    scanLocks(),
    scanListeners(opts.port),
  ]);
  return { extraServices, processes, locks, listeners };
}
