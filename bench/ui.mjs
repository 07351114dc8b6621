#!/usr/bin/env node
// Control UI cost on the gateway: VmRSS of a built gateway (its own process) after 10 s idle, then
// while Debian's Chromium (headless, playwright-core) opens the UI with the token, pairs, and visits
// every view (Logs polls for 5 s), then 5 s after the last view, then after the browser closed.
// Also the first-load size the build measured (gzipped JS + CSS). The reference spikes 200-600 MB
// per Control UI connect.
//   node bench/ui.mjs [--idle 10] [--opens 3]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HOST, TOKEN, machineInfo, mb, printJson, printTable, readRss, requireBuild, runBench, sleep, startGateway } from "./lib.mjs";
import { FIRST_LOAD_BUDGET, measureFirstLoad } from "../scripts/build-ui.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt, max) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v >= 0 ? Math.min(v, max) : dflt;
};
const IDLE_MS = opt("--idle", 10, 120) * 1000;
const OPENS = Math.max(1, Math.round(opt("--opens", 3, 20)));
const VIEWS = ["chat", "sessions", "channels", "logs", "config", "devices", "overview"];
const TARGET_MB = 10;

await runBench("ui", async () => {
  requireBuild();
  const { chromium } = await import("playwright-core");
  const info = machineInfo();
  const first = await measureFirstLoad();
  const gw = await startGateway("ui");
  await sleep(IDLE_MS);
  const idle = readRss(gw.pid);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ocbench-chromium-"));
  const rows = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    // Each open is a fresh page: load, WS connect (the first one pairs the browser), every view.
    for (let i = 1; i <= OPENS; i++) {
      const page = await context.newPage();
      await page.goto(`http://${HOST}:${gw.port}/#token=${TOKEN}`);
      await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 30_000 });
      const connected = readRss(gw.pid);
      for (const view of VIEWS) {
        await page.goto(`http://${HOST}:${gw.port}/${view}`);
        await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 30_000 });
        await page.locator("main h1").waitFor();
        await sleep(view === "logs" ? 5000 : 500);
      }
      const views = readRss(gw.pid);
      await page.close();
      await sleep(5000);
      rows.push({ open: i, connected, views, settled: readRss(gw.pid) });
    }
  } finally {
    await context?.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  }
  await sleep(2000);
  const closed = readRss(gw.pid);
  const worst = Math.max(...rows.map((r) => r.views.rss)) - idle.rss;
  printTable(`gateway RSS with the Control UI (node ${info.node}, nproc ${info.nproc}, load ${info.loadavg.join(" ")})`, [
    ["when", "VmRSS MB", "VmHWM MB", "vs idle MB"],
    [`idle, ${IDLE_MS / 1000} s after start`, mb(idle.rss), mb(idle.hwm), 0],
    ...rows.flatMap((r) => [
      [`open ${r.open}: UI connected`, mb(r.connected.rss), mb(r.connected.hwm), mb(r.connected.rss - idle.rss)],
      [`open ${r.open}: after visiting ${VIEWS.length} views`, mb(r.views.rss), mb(r.views.hwm), mb(r.views.rss - idle.rss)],
      [`open ${r.open}: page closed, 5 s idle`, mb(r.settled.rss), mb(r.settled.hwm), mb(r.settled.rss - idle.rss)],
    ]),
    ["browser closed", mb(closed.rss), mb(closed.hwm), mb(closed.rss - idle.rss)],
  ]);
  console.log(`first load: ${(first.gzipBytes / 1024).toFixed(1)} KB gzipped (${first.files.join(", ")}), budget ${FIRST_LOAD_BUDGET / 1024} KB`);
  printJson({
    bench: "ui", ok: true, idleMb: mb(idle.rss), worstRiseMb: mb(worst), targetMb: TARGET_MB, met: worst <= TARGET_MB * 1024 * 1024,
    firstLoadKbGzip: Math.round(first.gzipBytes / 102.4) / 10, opens: rows.map((r) => ({ connectedMb: mb(r.connected.rss), viewsMb: mb(r.views.rss), settledMb: mb(r.settled.rss) })),
  });
});
