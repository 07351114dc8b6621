#!/usr/bin/env node
// CLI round trips against a running gateway: wall time of `openclaw health` and
// `openclaw gateway status` (each must exit 0 and report success), with `node -e 0` as the floor.
// Runs are interleaved (health, status, floor, health, ...) so drift hits all three alike.
//   health:         node bin/openclaw.mjs health --url ws://127.0.0.1:<port> --token <token>
//   gateway status: node bin/openclaw.mjs gateway status --port <port> --require-rpc
//                   (token from the config; it also reads the lock and the config, like a user's run)
//   node bench/cli.mjs [--runs 9]
import { CLI, TOKEN, HOST, machineInfo, nodeFloorOnce, now, printJson, printTable, requireBuild, round, runBench, startGateway, stats, timeCommand } from "./lib.mjs";

const args = process.argv.slice(2);
const RUNS = Math.max(1, Math.min(50, Number(args[args.indexOf("--runs") + 1]) || 9));
const TARGET_MS = 300;
const REFERENCE = { health: "1.3 s", status: "2.7 s" };

async function runChecked(name, argv, env, check) {
  const r = await timeCommand([CLI, ...argv], { env, timeoutMs: 30_000 });
  if (r.code !== 0 || !check(r.stdout)) {
    throw new Error(`${name} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ""}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.ms;
}

await runBench("cli", async () => {
  requireBuild();
  const info = machineInfo();
  const gw = await startGateway("cli");
  const env = gw.state.env;
  const commands = {
    health: {
      argv: ["health", "--url", `ws://${HOST}:${gw.port}`, "--token", TOKEN],
      check: (out) => /^Gateway: ok \(/m.test(out),
    },
    status: {
      argv: ["gateway", "status", "--port", String(gw.port), "--require-rpc"],
      check: (out) => /^RPC probe: ok$/m.test(out) && /^Runtime: running/m.test(out),
    },
  };
  // One untimed run of each, so the file cache is warm for every timed run.
  for (const [name, c] of Object.entries(commands)) await runChecked(name, c.argv, env, c.check);
  const times = { health: [], status: [], floor: [] };
  const deadline = now() + 5 * 60_000;
  for (let i = 0; i < RUNS && now() < deadline; i++) {
    times.health.push(await runChecked("health", commands.health.argv, env, commands.health.check));
    times.status.push(await runChecked("gateway status", commands.status.argv, env, commands.status.check));
    times.floor.push(await nodeFloorOnce());
  }
  const s = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
  printTable(`CLI wall time against a running gateway, ${s.health.n} runs each (node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
    ["command", "median ms", "min", "max", "target", "reference"],
    ["openclaw health", round(s.health.median), round(s.health.min), round(s.health.max), `<= ${TARGET_MS}`, REFERENCE.health],
    ["openclaw gateway status", round(s.status.median), round(s.status.min), round(s.status.max), `<= ${TARGET_MS}`, REFERENCE.status],
    ["node -e 0 (floor)", round(s.floor.median), round(s.floor.min), round(s.floor.max), "", ""],
  ]);
  const pick = (x) => ({ median: round(x.median), min: round(x.min), max: round(x.max) });
  printJson({
    bench: "cli",
    ok: true,
    ...info,
    runs: s.health.n,
    healthMs: pick(s.health),
    gatewayStatusMs: pick(s.status),
    nodeFloorMs: pick(s.floor),
    targetMs: TARGET_MS,
    reference: REFERENCE,
    met: s.health.median <= TARGET_MS && s.status.median <= TARGET_MS,
  });
});
