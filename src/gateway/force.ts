// `gateway --force`: find the processes listening on a TCP port (Linux /proc) and stop them,
// SIGTERM first, SIGKILL after 700 ms. Only processes that hold that port are ever signalled.
import fs from "node:fs/promises";
import net from "node:net";

async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const state = cols[3];
      const inode = cols[9];
      if (!local || state !== "0A" || !inode) continue; // 0A = LISTEN
      if (local.split(":")[1] === hexPort) inodes.add(inode);
    }
  }
  return inodes;
}

/** Pids (other than this process) with a listening socket on `port`. */
export async function findListeningPids(port: number): Promise<number[]> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of await fs.readdir("/proc").catch(() => [] as string[])) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const fds = await fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1]!)) {
        pids.push(pid);
        break;
      }
    }
  }
  return pids;
}

async function commandLine(pid: number): Promise<string> {
  const raw = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return raw.split("\0").filter(Boolean).join(" ") || "?";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

function portBindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** Stops whatever listens on the port; returns the log lines the reference prints. */
export async function forceFreePort(port: number, host: string): Promise<string[]> {
  const pids = await findListeningPids(port);
  if (pids.length === 0) return [`force: no listeners on port ${port}`];
  const lines: string[] = [];
  for (const pid of pids) {
    const cmd = await commandLine(pid);
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      continue;
    }
    if (!(await waitFor(() => !alive(pid), 700))) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
      await waitFor(() => !alive(pid), 2000);
    }
    lines.push(`force: killed pid ${pid} (${cmd}) on port ${port}`);
  }
  await waitFor(() => portBindable(port, host), 3000);
  return lines;
}
