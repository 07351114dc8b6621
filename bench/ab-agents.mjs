#!/usr/bin/env node
// Diagnostic, not in `npm run bench`: is build B faster or slower than build A per agent run? Two
// builds on one machine at one time, so that the machine's own swings (these are shared 2-core
// machines; a single agents.mjs run moves by ±0.5 ms) hit both alike. Each build is a directory
// holding a copy of `bin/` and `dist/` (and `package.json`), e.g. made with
//   git stash && npm run build && mkdir -p /tmp/ab/A && cp -r bin dist package.json /tmp/ab/A && git stash pop
// One fake provider (test/helpers/fake-provider.ts, its own process) serves both gateways. After a
// warm-up of each, --rounds rounds alternate A and B (the order flips every round); a round is
// --n chat.send runs one at a time (send -> chat "final", a fresh session key every 20 runs) plus
// --n direct fetch calls to the provider as the baseline of that moment. Per build: the median of
// the round p50s of send -> final and of send -> ack, and B - A per round (median and range).
//   node bench/ab-agents.mjs --a /tmp/ab/A --b /tmp/ab/B [--rounds 10] [--n 60]
import fs from "node:fs";
import path from "node:path";
import { ChatClient, directCallTo, startAgentGatewayWith, startProvider, stopProvider } from "./agent-harness.mjs";
import { machineInfo, now, numberOption, printJson, printTable, round, runBench, sleep, stats, stopChild, wsClose } from "./lib.mjs";

const args = process.argv.slice(2);
const ROUNDS = Math.round(numberOption(args, "--rounds", 10, 100));
const N = Math.round(numberOption(args, "--n", 60, 10_000));
const ROTATE = 20;
const dirOf = (flag) => {
  const i = args.indexOf(flag);
  const dir = i >= 0 ? path.resolve(String(args[i + 1] ?? "")) : "";
  const cli = path.join(dir, "bin", "openclaw.mjs");
  if (!dir || !fs.existsSync(cli) || !fs.existsSync(path.join(dir, "dist", "openclaw.js"))) {
    throw new Error(`${flag} <dir>: a directory with bin/openclaw.mjs and dist/openclaw.js (a copy of a build) is required`);
  }
  return { dir, cli };
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await runBench("ab-agents", async () => {
  const builds = { A: dirOf("--a"), B: dirOf("--b") };
  const provider = await startProvider();
  const gws = {};
  for (const [name, b] of Object.entries(builds)) gws[name] = await startAgentGatewayWith(`ab-${name}`, provider, { cli: b.cli });
  let keySeq = 0;
  const series = async (client, n) => {
    const out = [];
    const label = `ab${++keySeq}`;
    for (let i = 0; i < n; i++) out.push(await client.run(`agent:main:${label}-${Math.floor(i / ROTATE)}`));
    return out;
  };
  const direct = async (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = now();
      await directCallTo(provider.url, 30_000);
      out.push(now() - t0);
    }
    return out;
  };
  try {
    // Warm-up, not counted: JIT in both gateways and in this process's fetch.
    for (let i = 0; i < 3; i++) {
      for (const g of Object.values(gws)) await series(g.client, 100);
      await direct(200);
    }
    await sleep(1000);
    const rounds = { A: [], B: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ["A", "B"] : ["B", "A"];
      for (const name of order) {
        const runs = await series(gws[name].client, N);
        const base = stats(await direct(N));
        rounds[name].push({ final: stats(runs.map((x) => x.finalMs)).p50, ack: stats(runs.map((x) => x.ackMs)).p50, direct: base.p50 });
      }
    }
    const diffs = rounds.A.map((a, i) => rounds.B[i].final - a.final);
    const rows = [["build", "send -> final p50 (median of rounds)", "send -> ack p50", "direct p50", "added (final - direct)"]];
    const figures = {};
    for (const name of ["A", "B"]) {
      const f = { final: median(rounds[name].map((x) => x.final)), ack: median(rounds[name].map((x) => x.ack)), direct: median(rounds[name].map((x) => x.direct)) };
      f.added = median(rounds[name].map((x) => x.final - x.direct));
      figures[name] = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v, 3)]));
      rows.push([`${name} (${builds[name].dir})`, figures[name].final, figures[name].ack, figures[name].direct, figures[name].added]);
    }
    printTable(`A/B of agent run latency, ${ROUNDS} alternating rounds of ${N} runs (${machineInfo().node}, load ${machineInfo().loadavg.join(" ")})`, rows);
    const sorted = [...diffs].sort((a, b) => a - b);
    console.log(`B - A per round (send -> final p50): median ${round(median(diffs), 3)} ms, range ${round(sorted[0], 3)} .. ${round(sorted.at(-1), 3)} ms; B faster in ${diffs.filter((d) => d < 0).length} of ${diffs.length} rounds.`);
    printJson({ bench: "ab-agents", ok: true, ...machineInfo(), rounds: ROUNDS, n: N, figures, diffMs: { median: round(median(diffs), 3), min: round(sorted[0], 3), max: round(sorted.at(-1), 3) } });
  } finally {
    for (const g of Object.values(gws)) {
      await wsClose(g.ws).catch(() => {});
      await stopChild(g.gw.child);
    }
    await stopProvider(provider);
  }
});
