#!/usr/bin/env node
// Load generator for bench/openai.mjs (its own process, so it does not share the benchmark's event
// loop): bench/http-load.mjs generalised to any method, path, body and headers. Keeps
// <connections> keep-alive requests in flight against 127.0.0.1:<port> for <warmup> + <seconds>,
// counting only responses that end inside the measured window, and checks every response (status,
// and optionally its exact size or a substring of its body).
//   node bench/openai-load.mjs --port <p> [--method GET] [--path /health] [--body <text>]
//        [--header "Name: value"]... [--expect-status 200] [--expect-bytes <n>]
//        [--expect-contains <text>] [--seconds 3] [--warmup 0.5] [--connections 50]
//        [--progress <seconds>]
// With --progress, one line `{"progress":true,"t","ok","bad","errors"}` (t: ms since the start,
// counts since the start) goes out every <progress> seconds. The last line is the result:
// { requests, total, windowMs, rps, latencyMs: {p50,p90,p99,max,n}, clientCpuPct, bad, errors,
//   sockets, firstProblem }.
import http from "node:http";

const args = process.argv.slice(2);
const str = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const num = (name, dflt) => {
  const v = Number(str(name, NaN));
  return Number.isFinite(v) && v >= 0 ? v : dflt;
};
const PORT = num("--port", 0);
const METHOD = str("--method", "GET").toUpperCase();
const PATH = str("--path", "/health");
const BODY = str("--body", undefined);
const MEASURE_MS = Math.min(num("--seconds", 3), 3600) * 1000;
const WARMUP_MS = Math.min(num("--warmup", 0.5), 60) * 1000;
const CONNECTIONS = Math.max(1, Math.min(1000, Math.round(num("--connections", 50))));
const PROGRESS_MS = Math.min(num("--progress", 0), 600) * 1000;
const EXPECT_STATUS = num("--expect-status", 200);
const EXPECT_BYTES = str("--expect-bytes", undefined) === undefined ? undefined : num("--expect-bytes", -1);
const EXPECT_CONTAINS = str("--expect-contains", undefined);
const MAX_ERRORS = 1000;
const MAX_LATENCIES = 2_000_000;
const REQUEST_TIMEOUT_MS = 30_000;
if (!PORT) {
  console.error("usage: node bench/openai-load.mjs --port <p> [--method M] [--path P] [--body B] [--header 'K: V']... [--seconds 3] [--warmup 0.5] [--connections 50]");
  process.exit(2);
}

const headers = {};
args.forEach((a, i) => {
  if (a !== "--header" || i + 1 >= args.length) return;
  const h = args[i + 1];
  const colon = h.indexOf(":");
  if (colon > 0) headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
});
const bodyBuf = BODY === undefined ? undefined : Buffer.from(BODY);
if (bodyBuf) {
  headers["Content-Type"] ??= "application/json";
  headers["Content-Length"] = String(bodyBuf.length);
}
const needle = EXPECT_CONTAINS === undefined ? undefined : Buffer.from(EXPECT_CONTAINS);

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const sockets = new Set();
const latencies = [];
const startedAt = performance.now();
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

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  if (!windowEnd) windowEnd = performance.now();
  if (!windowStart) windowStart = windowEnd;
  agent.destroy();
  const windowMs = windowEnd - windowStart;
  const sorted = Float64Array.from(latencies).sort();
  const r3 = (x) => (x === null ? null : Math.round(x * 1000) / 1000);
  process.stdout.write(
    JSON.stringify({
      requests,
      total,
      windowMs,
      rps: windowMs > 0 ? (requests * 1000) / windowMs : 0,
      latencyMs: { n: sorted.length, p50: r3(pct(sorted, 0.5)), p90: r3(pct(sorted, 0.9)), p99: r3(pct(sorted, 0.99)), max: r3(pct(sorted, 1)) },
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

function problem(text) {
  firstProblem ??= text;
}

function next() {
  if (stopping) {
    if (--active === 0) finish();
    return;
  }
  const t0 = performance.now();
  let settled = false;
  const done = () => {
    if (settled) return false;
    settled = true;
    return true;
  };
  const req = http.request({ host: "127.0.0.1", port: PORT, path: PATH, method: METHOD, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
    const chunks = [];
    let bytes = 0;
    res.on("data", (chunk) => {
      bytes += chunk.length;
      if (needle) chunks.push(chunk);
    });
    res.on("end", () => {
      if (!done()) return;
      const t1 = performance.now();
      let ok = res.statusCode === EXPECT_STATUS;
      if (ok && EXPECT_BYTES !== undefined && bytes !== EXPECT_BYTES) ok = false;
      if (ok && needle && Buffer.concat(chunks).indexOf(needle) < 0) ok = false;
      if (!ok) {
        bad++;
        problem(`status ${res.statusCode}, ${bytes} bytes: ${needle ? Buffer.concat(chunks).toString("utf8").slice(0, 300) : ""}`);
      } else {
        total++;
        if (measuring) {
          requests++;
          if (latencies.length < MAX_LATENCIES) latencies.push(t1 - t0);
        }
      }
      next();
    });
    res.on("error", (err) => {
      if (!done()) return;
      errors++;
      problem(`response: ${err.message}`);
      if (errors > MAX_ERRORS) stopping = true;
      setImmediate(next);
    });
  });
  req.on("socket", (s) => sockets.add(s));
  req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
  req.on("error", (err) => {
    if (!done()) return;
    errors++;
    problem(err.message);
    if (errors > MAX_ERRORS) stopping = true;
    setImmediate(next);
  });
  req.end(bodyBuf);
}

function startWindow() {
  measuring = true;
  windowStart = performance.now();
  cpuAtStart = process.cpuUsage();
}
if (WARMUP_MS > 0) setTimeout(startWindow, WARMUP_MS);
else startWindow();
setTimeout(() => {
  windowEnd = performance.now();
  cpuInWindow = process.cpuUsage(cpuAtStart);
  measuring = false;
  stopping = true;
}, WARMUP_MS + MEASURE_MS);
if (PROGRESS_MS > 0) {
  const timer = setInterval(() => {
    if (stopping) return clearInterval(timer);
    process.stdout.write(JSON.stringify({ progress: true, t: Math.round(performance.now() - startedAt), ok: total, bad, errors }) + "\n");
  }, PROGRESS_MS);
}
// Hard stop, whatever happens (in-flight requests get REQUEST_TIMEOUT_MS to end).
setTimeout(finish, WARMUP_MS + MEASURE_MS + REQUEST_TIMEOUT_MS + 5000).unref();
for (let i = 0; i < CONNECTIONS; i++) next();
