#!/usr/bin/env node
// HTTP probe throughput: `GET /health` with 50 concurrent keep-alive connections, against the
// gateway (A) and against a bare node:http server answering the same 27-byte body with the same
// headers (B), in rounds A B A B (~3 s measured each after 0.5 s warmup) so drift hits both
// alike. The load generator (bench/http-load.mjs) is a third process; on a 2-core machine it
// competes with the server for CPU, so absolute req/s understate the server and the ratio A/B is
// the figure to watch. Server CPU per request (from /proc/<pid>/stat over the whole round, warmup
// included, divided by all responses) is also shown: it compares the two servers even when the
// load generator, not the server, is the bottleneck.
//   node bench/http.mjs [--seconds 3] [--pairs 2] [--connections 50]
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT, freePort, getHealth, machineInfo, now, readCpuMs, printJson, printTable, requireBuild, round, runBench, sleep, startGateway, stopChild, track, numberOption } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt, max) => numberOption(args, name, dflt, max);
const SECONDS = opt("--seconds", 3, 60);
const PAIRS = Math.round(opt("--pairs", 2, 10));
const CONNECTIONS = Math.round(opt("--connections", 50, 1000));
const WARMUP_S = 0.5;
const TARGET_RATIO = 0.8;

function spawnBare(port) {
  return track(spawn(process.execPath, [path.join(ROOT, "bench", "http-bare-server.mjs"), String(port)], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] }));
}

async function waitHttp(child, port, timeoutMs = 10_000) {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bare server exited (${child.exitCode})`);
    try {
      if ((await getHealth(port)) === 200) return;
    } catch {}
    await sleep(20);
  }
  throw new Error(`bare server on ${port} not answering within ${timeoutMs} ms`);
}

function loadRound(port) {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, [path.join(ROOT, "bench", "http-load.mjs"), "--port", String(port), "--seconds", String(SECONDS), "--warmup", String(WARMUP_S), "--connections", String(CONNECTIONS)], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      }),
    );
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (s) => (out += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), (SECONDS + WARMUP_S + 20) * 1000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`load generator exited ${code ?? signal}`);
        const r = JSON.parse(out.trim().split("\n").pop());
        if (r.bad > 0 || r.errors > 0) throw new Error(`load generator saw ${r.bad} bad responses and ${r.errors} errors (first: ${r.firstProblem})`);
        resolve(r);
      } catch (err) {
        reject(err);
      }
    });
  });
}

await runBench("http", async () => {
  requireBuild();
  const info = machineInfo();
  const gw = await startGateway("http");
  const barePort = await freePort();
  const bare = spawnBare(barePort);
  try {
    await waitHttp(bare, barePort);
    const targets = { gateway: { port: gw.port, pid: gw.pid }, bare: { port: barePort, pid: bare.pid } };
    const rounds = [];
    for (let i = 0; i < PAIRS; i++) {
      for (const name of ["gateway", "bare"]) {
        const { port, pid } = targets[name];
        const cpu0 = readCpuMs(pid);
        const t0 = now();
        const r = await loadRound(port);
        const serverCpuMs = readCpuMs(pid) - cpu0;
        const roundMs = now() - t0;
        rounds.push({ name, ...r, serverCpuMs, serverUsPerReq: (serverCpuMs * 1000) / r.total, serverCpuPct: (100 * serverCpuMs) / roundMs });
      }
    }
    const total = (name) => {
      const rs = rounds.filter((r) => r.name === name);
      const req = rs.reduce((a, r) => a + r.requests, 0);
      const ms = rs.reduce((a, r) => a + r.windowMs, 0);
      const cpuMs = rs.reduce((a, r) => a + r.serverCpuMs, 0);
      const all = rs.reduce((a, r) => a + r.total, 0);
      const avg = (key) => rs.reduce((a, r) => a + r[key], 0) / rs.length;
      return {
        rps: (req * 1000) / ms,
        rounds: rs.map((r) => Math.round(r.rps)),
        sockets: Math.max(...rs.map((r) => r.sockets)),
        usPerReq: (cpuMs * 1000) / all,
        serverCpuPct: avg("serverCpuPct"),
        clientCpuPct: avg("clientCpuPct"),
      };
    };
    const A = total("gateway");
    const B = total("bare");
    const ratio = A.rps / B.rps;
    printTable(`GET /health, ${CONNECTIONS} keep-alive connections, ${PAIRS} x (A, B) rounds of ${SECONDS} s (node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
      ["server", "req/s", "per round", "server CPU us/req", "server CPU %", "client CPU %", "sockets", "target"],
      ["(A) gateway", Math.round(A.rps), A.rounds.join(" / "), round(A.usPerReq), Math.round(A.serverCpuPct), Math.round(A.clientCpuPct), A.sockets, ""],
      ["(B) bare node:http", Math.round(B.rps), B.rounds.join(" / "), round(B.usPerReq), Math.round(B.serverCpuPct), Math.round(B.clientCpuPct), B.sockets, ""],
      ["A / B (req/s)", `${round(ratio * 100)}%`, "", `B/A ${round((100 * B.usPerReq) / A.usPerReq)}%`, "", "", "", `>= ${TARGET_RATIO * 100}%`],
    ]);
    printJson({
      bench: "http",
      ok: true,
      ...info,
      connections: CONNECTIONS,
      seconds: SECONDS,
      gatewayRps: Math.round(A.rps),
      bareRps: Math.round(B.rps),
      ratio: round(ratio, 3),
      serverUsPerReq: { gateway: round(A.usPerReq, 1), bare: round(B.usPerReq, 1) },
      cpuPct: { gatewayServer: Math.round(A.serverCpuPct), bareServer: Math.round(B.serverCpuPct), client: Math.round((A.clientCpuPct + B.clientCpuPct) / 2) },
      rounds: rounds.map((r) => ({ server: r.name, rps: Math.round(r.rps) })),
      targetRatio: TARGET_RATIO,
      met: ratio >= TARGET_RATIO,
    });
  } finally {
    await stopChild(bare);
  }
});
