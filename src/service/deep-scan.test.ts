import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  looksLikeGatewayCommand, parseCmdline, parseProcNetTcp, scanListeners, scanLocks, scanServiceFiles, serviceScanDirs, socketInode,
} from "./deep-scan.js";

// Captured /proc/net/tcp and tcp6 (Linux 6.1): a gateway on 127.0.0.1:18789 and [::1]:18789,
// an established client connection, and sshd on 0.0.0.0:22 / [::]:22.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 912345 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20211 1 0000000000000000 100 0 0 10 0
   2: 0100007F:4965 0100007F:D4F2 01 00000000:00000000 00:00000000 00000000  1000        0 912400 1 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:4965 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 912346 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20213 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5555 1 0000000000000000 100 0 0 10 0
`;

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "openclaw-deep-"));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

describe("/proc/net/tcp parsing", () => {
  it("decodes IPv4 addresses, ports, states, uids and inodes", () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { address: "127.0.0.1", port: 18789, state: "0A", uid: 1000, inode: 912345 },
      { address: "0.0.0.0", port: 22, state: "0A", uid: 0, inode: 20211 },
      { address: "127.0.0.1", port: 18789, state: "01", uid: 1000, inode: 912400 },
    ]);
  });

  it("decodes IPv6 (loopback, any, v4-mapped)", () => {
    expect(parseProcNetTcp(TCP6).map((s) => [s.address, s.port])).toEqual([["::1", 18789], ["::", 22], ["::ffff:127.0.0.1", 8080]]);
  });

  it("skips malformed lines", () => {
    expect(parseProcNetTcp("header\n garbage\n 0: zz:zz 0 0A\n")).toEqual([]);
    expect(parseProcNetTcp("")).toEqual([]);
  });

  it("reads socket inodes from fd links", () => {
    expect(socketInode("socket:[912345]")).toBe(912345);
    expect(socketInode("pipe:[1]")).toBeUndefined();
    expect(socketInode("/dev/null")).toBeUndefined();
  });
});

describe("gateway process detection", () => {
  it("matches gateways, not CLI commands about them", () => {
    expect(looksLikeGatewayCommand(["/usr/bin/node", "/opt/oc/bin/openclaw.mjs", "gateway", "run", "--port", "18789"])).toBe(true);
    expect(looksLikeGatewayCommand(["node", "/usr/local/bin/openclaw", "gateway"])).toBe(true);
    expect(looksLikeGatewayCommand(["openclaw", "--profile", "work", "gateway", "--port", "18790"])).toBe(true);
    expect(looksLikeGatewayCommand(["node", "/home/u/.npm/lib/node_modules/clawdbot/dist/index.js", "gateway"])).toBe(true);
    expect(looksLikeGatewayCommand(["node", "/opt/oc/bin/openclaw.mjs", "gateway", "status", "--deep"])).toBe(false);
    expect(looksLikeGatewayCommand(["node", "/opt/oc/bin/openclaw.mjs", "gateway", "restart"])).toBe(false);
    expect(looksLikeGatewayCommand(["node", "/opt/oc/bin/openclaw.mjs", "health"])).toBe(false);
    expect(looksLikeGatewayCommand(["nginx", "gateway"])).toBe(false);
    expect(looksLikeGatewayCommand([])).toBe(false);
  });

  it("splits NUL-separated cmdlines", () => {
    expect(parseCmdline("node\0/x/openclaw.mjs\0gateway\0")).toEqual(["node", "/x/openclaw.mjs", "gateway"]);
    expect(parseCmdline("")).toEqual([]);
  });
});

describe("scans", () => {
  it.skipIf(process.platform !== "linux")("finds this process listening on a port through /proc", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const listeners = await scanListeners(port);
      expect(listeners).toEqual([expect.objectContaining({ address: "127.0.0.1", port, pid: process.pid })]);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await scanListeners(port)).toEqual([]);
  });

  it("reads lock files: a live holder, a dead one, and ignores junk", async () => {
    const dir = path.join(tmp, "locks");
    await fs.mkdir(dir);
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    await fs.writeFile(path.join(dir, "gateway.aaaaaaaa.lock"), JSON.stringify({ pid: process.pid, createdAt: "2026-11-25T00:00:00Z", configPath: "/a/openclaw.json", port: 18789 }));
    await fs.writeFile(path.join(dir, "gateway.bbbbbbbb.lock"), JSON.stringify({ pid: dead.pid, configPath: "/b/openclaw.json" }));
    await fs.writeFile(path.join(dir, "gateway.cccccccc.lock"), "{not json");
    await fs.writeFile(path.join(dir, "config-valid.x"), "{}");
    expect(await scanLocks(dir)).toEqual([
      { path: path.join(dir, "gateway.aaaaaaaa.lock"), pid: process.pid, alive: true, configPath: "/a/openclaw.json", port: 18789, createdAt: "2026-11-25T00:00:00Z" },
      { path: path.join(dir, "gateway.bbbbbbbb.lock"), pid: dead.pid, alive: false, configPath: "/b/openclaw.json" },
    ]);
    expect(await scanLocks(path.join(tmp, "missing"))).toEqual([]);
  });

  it("lists other gateway-like service files, not its own", async () => {
    const dir = path.join(tmp, "units");
    await fs.mkdir(dir);
    for (const f of ["openclaw-gateway.service", "openclaw-gateway-work.service", "clawdbot-gateway.service", "ai.openclaw.work.plist", "nginx.service", "openclaw-notes.txt"]) {
      await fs.writeFile(path.join(dir, f), "");
    }
    const found = await scanServiceFiles([{ dir, scope: "user" }, { dir, scope: "user" }, { dir: path.join(tmp, "nope"), scope: "system" }], path.join(dir, "openclaw-gateway.service"));
    expect(found.map((s) => s.label)).toEqual(["ai.openclaw.work", "clawdbot-gateway", "openclaw-gateway-work"]);
    expect(found[0]).toEqual({ label: "ai.openclaw.work", detail: path.join(dir, "ai.openclaw.work.plist"), scope: "user" });
  });

  it("scan dirs: the override alone, else the manager's user and system dirs", () => {
    expect(serviceScanDirs({ OPENCLAW_SERVICE_DIR: "/t/u" })).toEqual([{ dir: "/t/u", scope: "user" }]);
    const linux = serviceScanDirs({ HOME: "/home/c" }, "linux");
    expect(linux[0]).toEqual({ dir: "/home/c/.config/systemd/user", scope: "user" });
    expect(linux.map((d) => d.dir)).toContain("/etc/systemd/system");
    expect(serviceScanDirs({ HOME: "/Users/c" }, "darwin").map((d) => d.dir)).toEqual(["/Users/c/Library/LaunchAgents", "/Library/LaunchAgents", "/Library/LaunchDaemons"]);
  });
});
