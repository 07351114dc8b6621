#!/usr/bin/env node
// Startup: spawn -> first `GET /health` 200, and spawn -> WS hello-ok (separate spawns), N times
// each with a fresh port, polling every 5 ms; `node -e 0` measured alongside as the floor.
// Also records when the gateway printed its "listening on" line, as a rough split between
// "process boot + module loading" and "first answer".
//   node bench/startup.mjs [--runs 7]
import { machineInfo, makeState, nodeFloorOnce, now, pollHttpHealth, pollWsHello, printJson, printTable, requireBuild, round, runBench, spawnGateway, stats, stopChild, wsClose, freePort } from "./lib.mjs";

const TARGET_MS = 300;
const REFERENCE = "5.7-9.4 s";
const args = process.argv.slice(2);
const RUNS = Math.max(1, Math.min(50, Number(args[args.indexOf("--runs") + 1]) || 7));
const PER_SPAWN_TIMEOUT_MS = 30_000;

async function oneStart(state, mode) {
  const port = await freePort();
  let listeningAt;
  const child = spawnGateway(state, port, {
    onLine: (line, t) => {
      if (listeningAt === undefined && /listening on/.test(line)) listeningAt = t;
    },
  });
  try {
    let at;
    if (mode === "http") at = await pollHttpHealth(child, port, { intervalMs: 5, timeoutMs: PER_SPAWN_TIMEOUT_MS });
    else {
      const r = await pollWsHello(child, port, { intervalMs: 5, timeoutMs: PER_SPAWN_TIMEOUT_MS });
      at = r.at;
      await wsClose(r.ws);
    }
    return { ms: at - child.spawnedAt, listeningMs: listeningAt === undefined ? NaN : listeningAt - child.spawnedAt };
  } finally {
    await stopChild(child);
  }
}

await runBench("startup", async () => {
  requireBuild();
  const info = machineInfo();
  const state = makeState("startup");
  const http = [];
  const ws = [];
  const floor = [];
  const listening = [];
  // One untimed start first, so the OS file cache holds dist/ like it would on a warm machine.
  await oneStart(state, "http");
  const deadline = now() + 5 * 60_000;
  for (let i = 0; i < RUNS && now() < deadline; i++) {
    floor.push(await nodeFloorOnce());
    const h = await oneStart(state, "http");
    http.push(h.ms);
    listening.push(h.listeningMs);
    const w = await oneStart(state, "ws");
    ws.push(w.ms);
    listening.push(w.listeningMs);
  }
  const sH = stats(http);
  const sW = stats(ws);
  const sF = stats(floor);
  const sL = stats(listening.filter(Number.isFinite));
  printTable(`startup (${sH.n} runs each, poll every 5 ms; node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
    ["measure", "median ms", "min", "max", "target", "reference"],
    ["spawn -> GET /health 200", round(sH.median), round(sH.min), round(sH.max), `<= ${TARGET_MS}`, REFERENCE],
    ["spawn -> WS hello-ok", round(sW.median), round(sW.min), round(sW.max), `<= ${TARGET_MS}`, REFERENCE],
    ["spawn -> 'listening' on stdout", round(sL.median), round(sL.min), round(sL.max), "", ""],
    ["node -e 0 (floor)", round(sF.median), round(sF.min), round(sF.max), "", ""],
  ]);
  printJson({
    bench: "startup",
    ok: true,
    ...info,
    runs: sH.n,
    httpHealthMs: { median: round(sH.median), min: round(sH.min), max: round(sH.max) },
    wsHelloMs: { median: round(sW.median), min: round(sW.min), max: round(sW.max) },
    listeningLineMs: { median: round(sL.median), min: round(sL.min), max: round(sL.max) },
    nodeFloorMs: { median: round(sF.median), min: round(sF.min), max: round(sF.max) },
    targetMs: TARGET_MS,
    reference: REFERENCE,
    met: sH.median <= TARGET_MS && sW.median <= TARGET_MS,
  });
});
