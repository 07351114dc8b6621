#!/usr/bin/env node
// Load generator for bench/http.mjs (runs as its own process so it does not share the
// benchmark's event loop): keeps <connections> keep-alive GET /health requests in flight against
// 127.0.0.1:<port> for <warmup> + <seconds>, counting only responses inside the measured window.
// Prints one JSON line: { requests, total, windowMs, rps, clientCpuPct, bad, errors, sockets }.
//   node bench/http-load.mjs --port <p> [--seconds 3] [--warmup 0.5] [--connections 50]
import http from "node:http";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v >= 0 ? v : dflt;
};
const PORT = opt("--port", 0);
const MEASURE_MS = Math.min(opt("--seconds", 3), 60) * 1000;
const WARMUP_MS = Math.min(opt("--warmup", 0.5), 30) * 1000;
const CONNECTIONS = Math.max(1, Math.min(1000, Math.round(opt("--connections", 50))));
const MAX_ERRORS = 1000;
const EXPECTED_BYTES = 27;
if (!PORT) {
  console.error("usage: node bench/http-load.mjs --port <p> [--seconds 3] [--warmup 0.5] [--connections 50]");
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const sockets = new Set();
let measuring = false;
let stopping = false;
let requests = 0;
let total = 0;
let cpuAtStart;
let cpuInWindow;
let bad = 0;
let errors = 0;
let firstProblem;
let active = CONNECTIONS;
let windowStart = 0;
let windowEnd = 0;

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  if (!windowEnd) windowEnd = performance.now();
  if (!windowStart) windowStart = windowEnd;
  agent.destroy();
  const windowMs = windowEnd - windowStart;
  process.stdout.write(
    JSON.stringify({
      requests,
      total,
      windowMs,
      rps: windowMs > 0 ? (requests * 1000) / windowMs : 0,
      // CPU this load generator used in the window, as a share of one core (100 = one core busy).
      clientCpuPct: cpuInWindow && windowMs > 0 ? (100 * (cpuInWindow.user + cpuInWindow.system)) / 1000 / windowMs : null,
      bad,
      errors,
      sockets: sockets.size,
      firstProblem,
    }) + "\n",
    () => process.exit(0),
  );
}

function next() {
  if (stopping) {
    if (--active === 0) finish();
    return;
  }
  const req = http.request({ host: "127.0.0.1", port: PORT, path: "/health", method: "GET", agent }, (res) => {
    let bytes = 0;
    res.on("data", (chunk) => (bytes += chunk.length));
    res.on("end", () => {
      if (res.statusCode !== 200 || bytes !== EXPECTED_BYTES) {
        bad++;
        firstProblem ??= `status ${res.statusCode}, ${bytes} bytes`;
      } else {
        total++;
        if (measuring) requests++;
      }
      next();
    });
  });
  req.on("socket", (s) => sockets.add(s));
  req.on("error", (err) => {
    errors++;
    firstProblem ??= err.message;
    if (errors > MAX_ERRORS) stopping = true;
    setImmediate(next);
  });
  req.end();
}

setTimeout(() => {
  measuring = true;
  windowStart = performance.now();
  cpuAtStart = process.cpuUsage();
}, WARMUP_MS);
setTimeout(() => {
  windowEnd = performance.now();
  cpuInWindow = process.cpuUsage(cpuAtStart);
  measuring = false;
  stopping = true;
}, WARMUP_MS + MEASURE_MS);
// Hard stop, whatever happens.
setTimeout(finish, WARMUP_MS + MEASURE_MS + 10_000).unref();
for (let i = 0; i < CONNECTIONS; i++) next();
