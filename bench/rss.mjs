#!/usr/bin/env node
// Gateway memory: VmRSS (from /proc/<pid>/status) 10 s after start with no clients, then after
// each load round (2,000 WS connect/hello/close cycles + 20,000 health RPCs on one connection,
// 16 in flight) followed by 5 s idle. Three rounds by default: if later rounds end where round 1 did,
// the growth in round 1 is warm-up (JIT code, heap sized for the load), not a leak.
//   node bench/rss.mjs [--idle 10] [--rounds 3] [--cycles 2000] [--rpcs 20000]
import { driveRpc, machineInfo, mb, now, printJson, printTable, readRss, requireBuild, runBench, sleep, startGateway, wsClose, wsConnect } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt, max) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v >= 0 ? Math.min(v, max) : dflt;
};
const IDLE_MS = opt("--idle", 10, 120) * 1000;
const ROUNDS = Math.max(1, Math.round(opt("--rounds", 3, 10)));
const CYCLES = Math.round(opt("--cycles", 2000, 100_000));
const RPCS = Math.round(opt("--rpcs", 20_000, 1_000_000));
const SETTLE_MS = 5000;
const ROUND_TIMEOUT_MS = 180_000;
const TARGET_MB = 80;
const REFERENCE = "1.0-1.2 GiB";

await runBench("rss", async () => {
  requireBuild();
  const info = machineInfo();
  const gw = await startGateway("rss");
  // startGateway did one handshake to know it is up; the idle clock starts now.
  await sleep(IDLE_MS);
  const idle = readRss(gw.pid);
  const rounds = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const deadline = now() + ROUND_TIMEOUT_MS;
    const t0 = now();
    let cycles = 0;
    for (; cycles < CYCLES; cycles++) {
      if (now() > deadline) throw new Error(`round ${r}: only ${cycles} connect cycles within ${ROUND_TIMEOUT_MS} ms`);
      const { ws } = await wsConnect(gw.port);
      await wsClose(ws);
    }
    const cyclesMs = now() - t0;
    const { ws } = await wsConnect(gw.port);
    let rpc;
    try {
      rpc = await driveRpc(ws, { inFlight: 16, count: RPCS, timeoutMs: Math.max(1000, deadline - now()) });
    } finally {
      await wsClose(ws);
    }
    if (rpc.errors > 0) throw new Error(`round ${r}: ${rpc.errors} error responses, first: ${JSON.stringify(rpc.firstError)}`);
    const loaded = readRss(gw.pid);
    await sleep(SETTLE_MS);
    const settled = readRss(gw.pid);
    rounds.push({ round: r, cycles, cyclesPerSec: Math.round((cycles * 1000) / cyclesMs), rpcs: rpc.completed, loaded, settled });
  }
  printTable(`gateway RSS (node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
    ["when", "VmRSS MB", "VmHWM MB", "target", "reference"],
    [`idle, ${IDLE_MS / 1000} s after start`, mb(idle.rss), mb(idle.hwm), `<= ${TARGET_MB}`, REFERENCE],
    ...rounds.flatMap((x) => [
      [`round ${x.round}: right after ${x.cycles} cycles (${x.cyclesPerSec}/s) + ${x.rpcs} RPCs`, mb(x.loaded.rss), mb(x.loaded.hwm), "", ""],
      [`round ${x.round}: after ${SETTLE_MS / 1000} s idle`, mb(x.settled.rss), mb(x.settled.hwm), "", ""],
    ]),
  ]);
  const last = rounds[rounds.length - 1];
  printJson({
    bench: "rss",
    ok: true,
    ...info,
    idleMB: mb(idle.rss),
    afterLoadMB: rounds.map((x) => mb(x.settled.rss)),
    peakMB: mb(last.settled.hwm),
    cycles: CYCLES,
    rpcs: RPCS,
    targetMB: TARGET_MB,
    reference: REFERENCE,
    met: idle.rss / (1024 * 1024) <= TARGET_MB,
  });
});
