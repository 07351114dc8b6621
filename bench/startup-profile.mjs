#!/usr/bin/env node
// Where gateway startup time goes: starts the gateway under `node --cpu-prof`, waits for the WS
// hello-ok, stops it (SIGTERM, so the profile is written) and attributes the sampled CPU time to
// the original modules (esbuild leaves a `// path` comment at each module start in dist/).
// Not part of `npm run bench`; a diagnostic for when the startup target is missed.
//   node bench/startup-profile.mjs [--runs 3] [--top 25] [--keep]   (--keep prints the profile dir)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, machineInfo, makeState, nodeFloorOnce, now, pollWsHello, printJson, printTable, requireBuild, round, runBench, spawnGateway, stats, stopChild, wsClose } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || dflt : dflt;
};
const RUNS = Math.max(1, Math.min(10, opt("--runs", 3)));
const TOP = Math.max(5, Math.min(100, opt("--top", 25)));
const KEEP = args.includes("--keep");

/** For a dist file: sorted [line, module] markers from esbuild's `// path` comments. */
const markerCache = new Map();
function markers(file) {
  if (markerCache.has(file)) return markerCache.get(file);
  let list = [];
  try {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    lines.forEach((l, i) => {
      const m = /^\/\/ ((?:src|node_modules|build)\/\S+)$/.exec(l);
      if (m) list.push([i, m[1]]);
    });
  } catch {
    list = [];
  }
  markerCache.set(file, list);
  return list;
}

function moduleOf(frame) {
  const { url, functionName, lineNumber } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  if (!url.startsWith("file://")) return url;
  const file = fileURLToPath(url);
  const list = markers(file);
  let mod = path.relative(process.cwd(), file);
  for (const [line, name] of list) {
    if (line <= lineNumber) mod = name;
    else break;
  }
  // Group dependencies by package; keep our own sources per file.
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(mod);
  return pkg ? `dep: ${pkg[1]}` : mod;
}

function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    const key = node ? moduleOf(node.callFrame) : "(unknown)";
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  return { self, total, startTime: profile.startTime, endTime: profile.endTime };
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
  let profiledTotal = 0;
  for (let i = 0; i < RUNS; i++) {
    floor.push(await nodeFloorOnce());
    const runDir = path.join(profDir, `run${i}`);
    fs.mkdirSync(runDir);
    const port = await freePort();
    const child = spawnGateway(state, port, { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", runDir, "--cpu-prof-interval", "200"] });
    try {
      const { at, ws } = await pollWsHello(child, port, { intervalMs: 5, timeoutMs: 30_000 });
      helloMs.push(at - child.spawnedAt);
      await wsClose(ws);
    } finally {
      await stopChild(child, 10_000);
    }
    const file = fs.readdirSync(runDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) {
      console.error(`run ${i}: no .cpuprofile written (gateway did not exit cleanly?)`);
      continue;
    }
    const profile = JSON.parse(fs.readFileSync(path.join(runDir, file), "utf8"));
    // Only the samples up to the hello-ok matter; cut at the hello time measured from spawn,
    // approximated by the profile's own start (node boot before the profiler starts is not in it).
    const s = summarize(profile);
    profiled++;
    profiledTotal += s.total;
    for (const [k, v] of s.self) agg.set(k, (agg.get(k) ?? 0) + v);
  }
  if (profiled === 0) throw new Error("no profiles collected");
  const rows = [...agg.entries()].map(([k, v]) => [k, v / profiled]).sort((a, b) => b[1] - a[1]);
  const sH = stats(helloMs);
  const sF = stats(floor);
  printTable(`self CPU time by module, whole gateway lifetime (mean of ${profiled} runs under --cpu-prof; profile total ${round(profiledTotal / profiled)} ms incl. idle)`, [
    ["module", "ms"],
    ...rows.slice(0, TOP).map(([k, v]) => [k, round(v)]),
  ]);
  printTable(`startup under the profiler (node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
    ["measure", "median ms", "min", "max"],
    ["spawn -> hello-ok (profiled)", round(sH.median), round(sH.min), round(sH.max)],
    ["node -e 0 (floor)", round(sF.median), round(sF.min), round(sF.max)],
  ]);
  if (KEEP) {
    const keep = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "ocbench-profiles-"));
    fs.cpSync(profDir, keep, { recursive: true });
    console.log(`profiles kept in ${keep}`);
  }
  printJson({
    bench: "startup-profile",
    ok: true,
    ...info,
    runs: profiled,
    helloMs: { median: round(sH.median), min: round(sH.min), max: round(sH.max) },
    nodeFloorMs: round(sF.median),
    selfMsByModule: Object.fromEntries(rows.slice(0, TOP).map(([k, v]) => [k, round(v)])),
  });
});
