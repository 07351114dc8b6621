#!/usr/bin/env node
// Where gateway startup time goes: starts the gateway under `node --cpu-prof`, waits for the WS
// hello-ok, stops it (SIGTERM, so the profile is written) and splits the time from spawn to
// hello-ok into phases, using only the samples taken before the hello-ok (the profile clock is
// CLOCK_MONOTONIC, like process.hrtime). CPU time inside our code and bundled dependencies is
// attributed to the original module (esbuild leaves a `// path` comment at each module start).
// Not part of `npm run bench`: a diagnostic for when the startup target is missed. The profiler
// itself adds some overhead, so absolute numbers are a little higher than bench/startup.mjs.
//   node bench/startup-profile.mjs [--runs 3] [--top 20] [--keep]   (--keep keeps the .cpuprofile files)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, isUser, machineInfo, makeState, moduleOf, nodeFloorOnce, pollWsHello, printJson, printTable, requireBuild, round, runBench, spawnGateway, stats, stopChild, wsClose } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || dflt : dflt;
};
const RUNS = Math.max(1, Math.min(10, opt("--runs", 3)));
const TOP = Math.max(5, Math.min(100, opt("--top", 20)));
const KEEP = args.includes("--keep");

const isInternal = (cf) => cf.url.startsWith("node:");

/**
 * Phase of one sample from its stack (leaf first):
 * - ESM loading: read/decode/compile/link of dist/ files by the ESM loader, no user frame below;
 * - JS execution in a user module (the nearest user frame), including the builtins it calls and
 *   bundled CommonJS dependencies being required (`require()` of a node: builtin counts as well);
 * - node bootstrap / other internals; GC; idle.
 */
function phaseOf(stack) {
  const leaf = stack[0];
  if (leaf.functionName === "(garbage collector)") return "GC";
  if (leaf.functionName === "(idle)") return "idle (waiting: I/O, timers)";
  if (leaf.functionName === "(program)") return "(program: native, unattributed)";
  const user = stack.find(isUser);
  if (user) return `run ${moduleOf(user)}`;
  if (stack.some((cf) => /internal\/modules\/esm\//.test(cf.url) || cf.functionName === "compileSourceTextModule")) return "ESM loader (read, decode, compile, link dist/)";
  if (stack.some((cf) => /internal\/(main|process\/pre_execution|bootstrap)/.test(cf.url))) return "node bootstrap";
  return "node internals (other)";
}

function analyse(profile, fromUs, toUs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackCache = new Map();
  const stackOf = (id) => {
    if (!stackCache.has(id)) {
      const s = [];
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) s.push(byId.get(cur).callFrame);
      stackCache.set(id, s);
    }
    return stackCache.get(id);
  };
  const phases = new Map();
  let t = profile.startTime;
  let covered = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const prev = t;
    t += profile.timeDeltas[i] ?? 0;
    if (t > toUs) break;
    const dt = (t - prev) / 1000;
    const phase = phaseOf(stackOf(profile.samples[i]));
    phases.set(phase, (phases.get(phase) ?? 0) + dt);
    covered += dt;
  }
  return { phases, covered, beforeProfile: (profile.startTime - fromUs) / 1000 };
}

await runBench("startup-profile", async () => {
  requireBuild();
  const info = machineInfo();
  const state = makeState("prof");
  const profDir = path.join(state.dir, "profiles");
  fs.mkdirSync(profDir);
  const helloMs = [];
  const floor = [];
  const agg = new Map();
  let profiled = 0;
  for (let i = 0; i < RUNS; i++) {
    floor.push(await nodeFloorOnce());
    const runDir = path.join(profDir, `run${i}`);
    fs.mkdirSync(runDir);
    const port = await freePort();
    const child = spawnGateway(state, port, { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", runDir, "--cpu-prof-interval", "250"] });
    let hello;
    try {
      const { at, ws } = await pollWsHello(child, port, { intervalMs: 5, timeoutMs: 30_000 });
      hello = at - child.spawnedAt;
      helloMs.push(hello);
      await wsClose(ws);
    } finally {
      await stopChild(child, 10_000);
    }
    const file = fs.readdirSync(runDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) {
      console.error(`run ${i}: no .cpuprofile written (the gateway did not exit cleanly?)`);
      continue;
    }
    const profile = JSON.parse(fs.readFileSync(path.join(runDir, file), "utf8"));
    const helloUs = child.spawnedMonoUs + hello * 1000;
    const { phases, covered, beforeProfile } = analyse(profile, child.spawnedMonoUs, helloUs);
    phases.set("spawn + node boot before the profiler starts", beforeProfile);
    phases.set("after the last sample until hello-ok", Math.max(0, hello - beforeProfile - covered));
    for (const [k, v] of phases) agg.set(k, (agg.get(k) ?? 0) + v);
    profiled++;
  }
  if (profiled === 0) throw new Error("no profiles collected");
  const rows = [...agg.entries()].map(([k, v]) => [k, v / profiled]).sort((a, b) => b[1] - a[1]);
  const sH = stats(helloMs);
  const sF = stats(floor);
  const meanHello = helloMs.reduce((a, b) => a + b, 0) / helloMs.length;
  const shown = rows.slice(0, TOP);
  const rest = rows.slice(TOP).reduce((a, [, v]) => a + v, 0);
  printTable(`spawn -> hello-ok under --cpu-prof, split by phase (mean of ${profiled} runs; node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
    ["phase", "ms", "share"],
    ...shown.map(([k, v]) => [k, round(v), `${round((100 * v) / meanHello)}%`]),
    ...(rest > 0 ? [["(everything else)", round(rest), `${round((100 * rest) / meanHello)}%`]] : []),
    ["spawn -> hello-ok (mean; the phases add up to it)", round(meanHello), ""],
    ["spawn -> hello-ok (median)", round(sH.median), ""],
    ["node -e 0 (floor, median)", round(sF.median), ""],
  ]);
  if (KEEP) {
    const keep = fs.mkdtempSync(path.join(os.tmpdir(), "ocbench-profiles-"));
    fs.cpSync(profDir, keep, { recursive: true });
    console.log(`profiles kept in ${keep} (open them in Chrome DevTools > Performance)`);
  }
  printJson({
    bench: "startup-profile",
    ok: true,
    ...info,
    runs: profiled,
    helloMs: { median: round(sH.median), min: round(sH.min), max: round(sH.max) },
    nodeFloorMs: round(sF.median),
    phasesMs: Object.fromEntries([...shown.map(([k, v]) => [k, round(v)]), ...(rest > 0 ? [["(everything else)", round(rest)]] : [])]),
  });
});
