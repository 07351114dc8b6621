#!/usr/bin/env node
// WS RPC throughput: `health` round trips on one authenticated connection, against a gateway
// running as its own process (the client is this process).
//   (a) pipelined: 16 requests kept in flight, 0.5 s warmup then ~3 s measured -> req/s
//   (b) sequential: one at a time, same window -> req/s, p50/p99 latency
//   node bench/rpc.mjs [--seconds 3] [--in-flight 16]
import { machineInfo, driveRpc, printJson, printTable, requireBuild, round, runBench, startGateway, stats, wsClose, wsConnect, numberOption } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt, max) => numberOption(args, name, dflt, max);
const MEASURE_MS = opt("--seconds", 3, 60) * 1000;
const IN_FLIGHT = Math.round(opt("--in-flight", 16, 1024));
const WARMUP_MS = 500;
const TARGET_PIPELINED = 15_000;
const TARGET_SEQUENTIAL = 5_000;
const REF_PIPELINED = 1520;
const REF_SEQUENTIAL = 916;

await runBench("rpc", async () => {
  requireBuild();
  const info = machineInfo();
  const gw = await startGateway("rpc");
  const { ws } = await wsConnect(gw.port);
  try {
    const a = await driveRpc(ws, { inFlight: IN_FLIGHT, warmupMs: WARMUP_MS, measureMs: MEASURE_MS, timeoutMs: MEASURE_MS + 30_000 });
    const b = await driveRpc(ws, { inFlight: 1, warmupMs: WARMUP_MS, measureMs: MEASURE_MS, latency: true, timeoutMs: MEASURE_MS + 30_000 });
    for (const [name, r] of [["pipelined", a], ["sequential", b]]) {
      if (r.errors > 0) throw new Error(`${name}: ${r.errors} error responses, first: ${JSON.stringify(r.firstError)}`);
    }
    const rateA = (a.completed * 1000) / a.windowMs;
    const rateB = (b.completed * 1000) / b.windowMs;
    const lat = stats(b.latencies);
    printTable(`WS health RPC, one connection (node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
      ["mode", "req/s", "requests", "window s", "p50 ms", "p99 ms", "target", "reference"],
      [`(a) ${IN_FLIGHT} in flight`, Math.round(rateA), a.completed, round(a.windowMs / 1000, 2), "", "", `>= ${TARGET_PIPELINED}`, REF_PIPELINED],
      ["(b) one at a time", Math.round(rateB), b.completed, round(b.windowMs / 1000, 2), round(lat.p50, 3), round(lat.p99, 3), `>= ${TARGET_SEQUENTIAL}`, REF_SEQUENTIAL],
    ]);
    printJson({
      bench: "rpc",
      ok: true,
      ...info,
      inFlight: IN_FLIGHT,
      pipelinedRps: Math.round(rateA),
      sequentialRps: Math.round(rateB),
      sequentialP50Ms: round(lat.p50, 3),
      sequentialP99Ms: round(lat.p99, 3),
      targets: { pipelinedRps: TARGET_PIPELINED, sequentialRps: TARGET_SEQUENTIAL },
      reference: { pipelinedRps: REF_PIPELINED, sequentialRps: REF_SEQUENTIAL },
      met: rateA >= TARGET_PIPELINED && rateB >= TARGET_SEQUENTIAL,
    });
  } finally {
    await wsClose(ws);
  }
});
