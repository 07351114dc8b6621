#!/usr/bin/env node
// Config reload and doctor, against the built CLI and a real gateway child process.
//   hot edit:     rename a config with a rotated gateway.auth.token into place → the socket that used
//                 the old token is closed with 4001 (the change has taken effect). Target ≤ debounce + 50 ms.
//   restart edit: rename a config with a changed gateway.tools.deny into place → a new WS connect
//                 completes hello-ok on the restarted gateway. Target ≤ 500 ms (the reference: 30 s and more).
//   doctor:       wall time of `openclaw doctor` (no --deep) on that gateway's config. Target ≤ 1 s.
//   node bench/reload.mjs [--runs 7]
import fs from "node:fs";
import { CLI, TOKEN, machineInfo, now, printJson, printTable, requireBuild, round, runBench, sleep, startGateway, stats, timeCommand, wsClose, wsConnect } from "./lib.mjs";

const args = process.argv.slice(2);
const RUNS = Math.max(1, Math.min(30, Number(args[args.indexOf("--runs") + 1]) || 7));
const DEBOUNCE_MS = 300;

function editConfig(configPath, change) {
  const config = JSON.parse(fs.readFileSync(configPath, "utf8"));
  change(config);
  const tmp = `${configPath}.bench-edit`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2), { mode: 0o600 });
  const t = now();
  fs.renameSync(tmp, configPath);
  return t;
}

function closed(ws) {
  return new Promise((resolve) => ws.once("close", (code) => resolve({ code, at: now() })));
}

await runBench("reload", async () => {
  requireBuild();
  const info = machineInfo();
  const gw = await startGateway("reload", { config: { gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, reload: { debounceMs: DEBOUNCE_MS } } } });
  const { configPath, env } = gw.state;
  const hot = [];
  const restart = [];
  let token = TOKEN;
  for (let i = 0; i < RUNS; i++) {
    // Hot: rotate the token; the old-token socket closing with 4001 is the change taking effect.
    const { ws } = await wsConnect(gw.port, { token });
    const close = closed(ws);
    const next = `bench-rotated-${i}-0123456789abcdef`;
    const t0 = editConfig(configPath, (c) => (c.gateway.auth.token = next));
    const { code, at } = await close;
    if (code !== 4001) throw new Error(`expected close 4001 after the token rotation, got ${code}`);
    hot.push(at - t0);
    token = next;
    await sleep(200);

    // Restart: a gateway.* key; time until a new connection completes its handshake after the restart.
    const watcher = await wsConnect(gw.port, { token });
    const down = closed(watcher.ws);
    const t1 = editConfig(configPath, (c) => (c.gateway.tools = { deny: [`bench-${i}`] }));
    await down;
    let ready;
    for (;;) {
      try {
        const { ws } = await wsConnect(gw.port, { token, timeoutMs: 2000 });
        ready = now();
        await wsClose(ws);
        break;
      } catch {
        if (now() - t1 > 10_000) throw new Error("gateway did not accept connections within 10 s of the restart edit");
        await sleep(2);
      }
    }
    restart.push(ready - t1);
    await sleep(300);
  }
  const doctor = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await timeCommand([CLI, "doctor"], { env, timeoutMs: 30_000 });
    if (![0, 1].includes(r.code)) throw new Error(`doctor failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    doctor.push(r.ms);
  }
  const s = { hot: stats(hot), restart: stats(restart), doctor: stats(doctor) };
  printTable(`Config reload and doctor, ${RUNS} runs each (node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
    ["measure", "median ms", "min", "max", "target"],
    ["hot edit (token rotation) → in effect", round(s.hot.median), round(s.hot.min), round(s.hot.max), `<= ${DEBOUNCE_MS + 50}`],
    ["restart edit → accepting connections", round(s.restart.median), round(s.restart.min), round(s.restart.max), "<= 500"],
    ["openclaw doctor", round(s.doctor.median), round(s.doctor.min), round(s.doctor.max), "<= 1000"],
  ]);
  const pick = (x) => ({ median: round(x.median), min: round(x.min), max: round(x.max) });
  printJson({
    bench: "reload",
    ok: true,
    ...info,
    runs: RUNS,
    debounceMs: DEBOUNCE_MS,
    hotMs: pick(s.hot),
    restartMs: pick(s.restart),
    doctorMs: pick(s.doctor),
    met: { hot: s.hot.median <= DEBOUNCE_MS + 50, restart: s.restart.median <= 500, doctor: s.doctor.median <= 1000 },
  });
});
