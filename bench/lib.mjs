// Shared helpers for the benchmark scripts: temp state dirs, free ports, gateway children that are
// always killed (normal end, error, SIGINT/SIGTERM), WS handshake, polling, stats and output.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = path.join(ROOT, "bin", "openclaw.mjs");
export const HOST = "127.0.0.1"; // the only address any benchmark ever talks to

/** `--name <n>` from `args`: a positive number, at most `max`, else `dflt`. */
export function numberOption(args, name, dflt, max = Infinity) {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.min(v, max) : dflt;
}
export const TOKEN = "bench-token-0123456789abcdef";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

// ---------------------------------------------------------------------------------------------
// Children and temp dirs: tracked so they are cleaned up whatever happens.

const children = new Set();
const tempDirs = new Set();

function killAllSync() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill("SIGKILL");
      } catch {}
    }
  }
  children.clear();
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
  tempDirs.clear();
}

process.on("exit", killAllSync);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    killAllSync();
    process.exit(130);
  });
}

export function track(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Calls `fn` with each line of `stream` that is JSON (other lines are skipped). */
export function onJsonLines(stream, fn) {
  let partial = "";
  stream.setEncoding("utf8").on("data", (s) => {
    partial += s;
    const lines = partial.split("\n");
    partial = lines.pop();
    for (const line of lines) {
      let j;
      try {
        j = JSON.parse(line);
      } catch {
        continue;
      }
      fn(j);
    }
  });
}

/**
 * Resolves the first JSON line `child` prints on stdout that has a `url` (a server saying where it
 * listens), within `timeoutMs`; rejects if it exits first. Every JSON line, that one included, is
 * kept in `child.lines`.
 */
export function urlLine(child, what, timeoutMs = 10_000) {
  child.lines ??= [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not print its URL within ${timeoutMs / 1000} s`)), timeoutMs);
    onJsonLines(child.stdout, (j) => {
      child.lines.push(j);
      if (j.url) {
        clearTimeout(timer);
        resolve(j);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before printing its URL`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves once it has exited. */
export async function stopChild(child, graceMs = 3000) {
  if (!child) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise((r) => child.once("exit", r));
  try {
    child.kill("SIGTERM");
  } catch {}
  const timer = sleep(graceMs).then(() => "timeout");
  if ((await Promise.race([exited, timer])) === "timeout") {
    try {
      child.kill("SIGKILL");
    } catch {}
    await Promise.race([exited, sleep(2000)]);
  }
  children.delete(child);
}

export async function stopAll() {
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Runs `main`, always stopping children and removing temp dirs; sets exit code 1 on error. */
export async function runBench(name, main) {
  try {
    await main();
  } catch (err) {
    console.error(`${name}: FAILED: ${err?.stack ?? err}`);
    console.log(JSON.stringify({ bench: name, ok: false, error: String(err?.message ?? err) }));
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

// ---------------------------------------------------------------------------------------------
// Gateway state and processes.

/** A fresh temp dir under the OS temp dir, removed when the benchmark ends (like state dirs). */
export function makeTempDir(label = "tmp") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ocbench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

/**
 * A fresh state dir with the bench config; `env` points the gateway and the CLI at it. `extra` is
 * merged into the config at the top level (e.g. `models`, `agents`); it may be a function of the
 * state dir, for paths inside it.
 */
export function makeState(label = "gw", extra = {}) {
  const dir = makeTempDir(label);
  const configPath = path.join(dir, "openclaw.json");
  const config = {
    gateway: { mode: "local", auth: { mode: "token", token: TOKEN } },
    logging: { file: path.join(dir, "gateway.log") },
    ...(typeof extra === "function" ? extra(dir) : extra),
  };
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const env = { ...process.env, OPENCLAW_STATE_DIR: dir, OPENCLAW_CONFIG_PATH: configPath, TMPDIR: dir };
  // Nothing inherited from the caller's shell may redirect the CLI or the gateway elsewhere.
  for (const k of ["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD", "OPENCLAW_GATEWAY_PORT", "OPENCLAW_GATEWAY_URL", "NODE_OPTIONS"]) delete env[k];
  return { dir, configPath, env };
}

/** A port that was free a moment ago on 127.0.0.1 (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node bin/openclaw.mjs gateway --port <port>`. stdout/stderr are collected (last 8 KB)
 * for error messages; `onLine` sees each stdout line with its arrival time.
 */
export function spawnGateway(state, port, { nodeArgs = [], onLine, cli = CLI } = {}) {
  const t0 = now();
  const child = track(
    spawn(process.execPath, [...nodeArgs, cli, "gateway", "--port", String(port)], {
      cwd: ROOT,
      env: state.env,
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  child.spawnedAt = t0;
  // CLOCK_MONOTONIC in µs, the clock V8's CPU profiles use for startTime/endTime.
  child.spawnedMonoUs = Number(process.hrtime.bigint() / 1000n) - Math.round((now() - t0) * 1000);
  child.output = "";
  let partial = "";
  const keep = (s) => {
    child.output = (child.output + s).slice(-8192);
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (s) => {
    const t = now();
    keep(s);
    if (!onLine) return;
    partial += s;
    const lines = partial.split("\n");
    partial = lines.pop();
    for (const line of lines) onLine(line, t);
  });
  child.stderr.on("data", keep);
  return child;
}

function exitError(child, what) {
  return new Error(`gateway exited (code ${child.exitCode}, signal ${child.signalCode}) before ${what}; output:\n${child.output}`);
}

/** One `GET /health` without keep-alive; resolves the status code or rejects on a socket error. */
export function getHealth(port, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path: "/health", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** Polls `GET /health` every `intervalMs` until a 200; returns the time it first answered 200. */
export async function pollHttpHealth(child, port, { intervalMs = 5, timeoutMs = 30_000 } = {}) {
  const deadline = now() + timeoutMs;
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / intervalMs) + 1 && now() < deadline; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) throw exitError(child, "answering /health");
    const start = now();
    try {
      if ((await getHealth(port)) === 200) return now();
    } catch {}
    const wait = intervalMs - (now() - start);
    if (wait > 0) await sleep(wait);
  }
  throw new Error(`/health did not answer 200 within ${timeoutMs} ms; output:\n${child.output}`);
}

/**
 * Opens a WS, answers the challenge with the operator connect and resolves once hello-ok arrives.
 * Resolves `{ ws, hello, send(frame), onFrame }`; rejects on any error or after `timeoutMs`.
 */
export function wsConnect(port, { token = TOKEN, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${HOST}:${port}`, { perMessageDeflate: false });
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        ws.removeAllListeners("message");
        ws.on("error", () => {});
        ws.terminate();
        reject(err);
      } else resolve(value);
    };
    const timer = setTimeout(() => finish(new Error(`no hello-ok within ${timeoutMs} ms`)), timeoutMs);
    ws.on("error", (err) => finish(err));
    ws.on("close", (code, reason) => finish(new Error(`closed before hello-ok: ${code} ${reason}`)));
    ws.on("message", function onMessage(data) {
      let f;
      try {
        f = JSON.parse(String(data));
      } catch {
        return finish(new Error("non-JSON frame during handshake"));
      }
      if (f.type === "event" && f.event === "connect.challenge") {
        ws.send(
          JSON.stringify({
            type: "req",
            id: "c1",
            method: "connect",
            params: {
              minProtocol: 4,
              maxProtocol: 4,
              client: { id: "cli", version: "bench", platform: "linux", mode: "cli" },
              role: "operator",
              scopes: ["operator.admin", "operator.read", "operator.write"],
              auth: { token },
            },
          }),
        );
      } else if (f.type === "res" && f.id === "c1") {
        if (f.ok !== true) return finish(new Error(`connect refused: ${JSON.stringify(f.error ?? f)}`));
        ws.removeListener("message", onMessage);
        ws.removeAllListeners("close");
        ws.on("close", () => {});
        finish(null, { ws, hello: f.payload });
      }
    });
  });
}

/** Closes a WS and waits for the close (bounded). */
export function wsClose(ws, timeoutMs = 2000) {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const t = setTimeout(() => {
      ws.terminate();
      resolve();
    }, timeoutMs);
    ws.once("close", () => {
      clearTimeout(t);
      resolve();
    });
    ws.close();
  });
}

/** Polls the WS handshake every `intervalMs` until hello-ok; returns `{ at, ws }`. */
export async function pollWsHello(child, port, { intervalMs = 5, timeoutMs = 30_000 } = {}) {
  const deadline = now() + timeoutMs;
  let lastErr;
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / intervalMs) + 1 && now() < deadline; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) throw exitError(child, "hello-ok");
    const start = now();
    try {
      const { ws } = await wsConnect(port, { timeoutMs: Math.max(100, deadline - now()) });
      return { at: now(), ws };
    } catch (err) {
      lastErr = err;
    }
    const wait = intervalMs - (now() - start);
    if (wait > 0) await sleep(wait);
  }
  throw new Error(`no hello-ok within ${timeoutMs} ms (last error: ${lastErr?.message}); output:\n${child.output}`);
}

/**
 * Starts a gateway on a fresh port and waits until it answers the WS handshake. `opts.config` is
 * extra config for `makeState`; the other options go to `spawnGateway`.
 */
export async function startGateway(label = "gw", { config, ...opts } = {}) {
  const state = makeState(label, config);
  const port = await freePort();
  const child = spawnGateway(state, port, opts);
  const { ws } = await pollWsHello(child, port, { intervalMs: 20, timeoutMs: 30_000 });
  await wsClose(ws);
  return { state, port, child, pid: child.pid };
}

/** Wall time of `node -e 0` (spawn to exit), the floor any Node CLI pays. */
export function nodeFloorOnce() {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = track(spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }));
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(now() - t0) : reject(new Error(`node -e 0 exited ${code}`));
    });
  });
}

/** Runs a command to completion (bounded); resolves `{ ms, code, stdout, stderr }`. */
export function timeCommand(args, { env, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = track(spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] }));
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const ms = now() - t0;
      clearTimeout(timer);
      resolve({ ms, code: code ?? (signal ? 128 : -1), signal, stdout, stderr });
    });
  });
}

/** VmRSS and VmHWM of a pid in bytes (Linux /proc). */
export function readRss(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => {
    const m = text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

// ---------------------------------------------------------------------------------------------
// CPU profiles (`node --cpu-prof`) of the bundled gateway.

/** For a dist file: sorted [line, module] markers from esbuild's `// path` comments. */
const markerCache = new Map();
export function markers(file) {
  if (!markerCache.has(file)) {
    const list = [];
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
      text.split("\n").forEach((l, i) => {
        const m = /^\/\/ ((?:src|node_modules|build)\/\S+)$/.exec(l);
        if (m) list.push([i, m[1]]);
      });
    } catch {}
    // The chunk that defines esbuild's CommonJS glue (the comments alone no longer tell: a build
    // with minifyWhitespace drops them, and then every chunk is just its file name).
    list.glue = /\bvar __commonJS\s*=/.test(text);
    markerCache.set(file, list);
  }
  return markerCache.get(file);
}

/** Original module of a user-code frame; dependencies grouped by package. */
export function moduleOf(frame) {
  const file = fileURLToPath(frame.url);
  let mod = path.relative(ROOT, file);
  const list = markers(file);
  // esbuild's glue (__commonJS/__require/__toESM): its self time is mostly the lazy compile of
  // the bundled CommonJS module being required.
  if (list.length === 0 && list.glue) return "esbuild glue: requiring bundled CJS deps";
  for (const [line, name] of list) {
    if (line <= frame.lineNumber) mod = name;
    else break;
  }
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(mod);
  return pkg ? `dep ${pkg[1]}` : mod;
}

export const isUser = (cf) => cf.url.startsWith("file://");

/**
 * Where CPU time went in a `.cpuprofile`, over samples whose time is in [fromUs, toUs] (profile
 * clock, CLOCK_MONOTONIC µs; defaults: the whole profile). Returns ms per key for:
 * - `byFunction`: the leaf frame (self time): `name (module)` for our code and bundled deps,
 *   `name (node:...)` for Node internals, `name (native)` for V8 builtins;
 * - `byModule`: the nearest frame of our code or a bundled dependency on the stack (so builtins
 *   and Node internals count towards the module that called them), else "node internals";
 * "(garbage collector)", "(idle)" and "(program)" are keys of both; `total` is all the ms.
 */
export function profileTime(profile, { fromUs = -Infinity, toUs = Infinity } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyCache = new Map();
  const keysOf = (id) => {
    let k = keyCache.get(id);
    if (!k) {
      const leaf = byId.get(id).callFrame;
      const name = leaf.functionName || "(anonymous)";
      let fn;
      if (["(garbage collector)", "(idle)", "(program)", "(root)"].includes(leaf.functionName)) fn = leaf.functionName;
      else if (isUser(leaf)) fn = `${name} (${moduleOf(leaf)})`;
      else if (leaf.url) fn = `${name} (${leaf.url.replace(/^node:internal\//, "node:")})`;
      else fn = `${name} (native)`;
      let mod = fn.startsWith("(") ? fn : "node internals";
      if (!fn.startsWith("(")) {
        for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
          const cf = byId.get(cur).callFrame;
          if (isUser(cf)) {
            mod = moduleOf(cf);
            break;
          }
        }
      }
      k = { fn, mod };
      keyCache.set(id, k);
    }
    return k;
  };
  const byFunction = new Map();
  const byModule = new Map();
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const prev = t;
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs) continue;
    if (t > toUs) break;
    const dt = (t - prev) / 1000;
    const { fn, mod } = keysOf(profile.samples[i]);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    byModule.set(mod, (byModule.get(mod) ?? 0) + dt);
    total += dt;
  }
  return { byFunction, byModule, total };
}

// ---------------------------------------------------------------------------------------------
// Stats and output.

export function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p) => {
    if (s.length === 0) return NaN;
    const i = Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
    return s[i];
  };
  const median = s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { n: s.length, median, min: s[0], max: s[s.length - 1], p50: q(0.5), p99: q(0.99) };
}

export const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);
export const mb = (bytes) => round(bytes / (1024 * 1024), 1);

/** Prints rows (arrays of cells) as an aligned table, first row the header. */
export function printTable(title, rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  rows.forEach((r, idx) => {
    console.log(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  "));
    if (idx === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  });
}

/** The machine-readable result: one JSON line, always the last line on stdout. */
export function printJson(obj) {
  console.log(JSON.stringify(obj));
}

/** Standard context for every result. */
export function machineInfo() {
  return { node: process.version, nproc: os.availableParallelism?.() ?? os.cpus().length, loadavg: os.loadavg().map((x) => round(x, 2)) };
}

/** Exits non-zero (with a clear message) when dist/ has not been built. */
export function requireBuild() {
  if (!fs.existsSync(path.join(ROOT, "dist", "openclaw.js"))) {
    console.error("dist/openclaw.js is missing: run `npm run build` (or `npm run bench`, which builds first).");
    process.exit(1);
  }
}

export function nprocCommand() {
  const r = spawnSync("nproc", { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : os.availableParallelism?.() ?? os.cpus().length;
}

// ---------------------------------------------------------------------------------------------
// RPC load on one WS connection.

/**
 * Keeps `inFlight` requests of `method` outstanding on `ws` (1 = strictly one at a time).
 * Time mode (`measureMs`): runs `warmupMs`, then counts responses for `measureMs`, then stops
 * sending and drains. Count mode (`count`): sends exactly `count` requests. Either way it gives up
 * after `timeoutMs`. Resolves `{ completed, windowMs, errors, latencies }`; `completed` and the
 * latencies cover the measured window only (all requests in count mode).
 */
export function driveRpc(ws, { method = "health", params = {}, inFlight = 1, warmupMs = 0, measureMs, count, latency = false, timeoutMs = 60_000 }) {
  return new Promise((resolve, reject) => {
    const sentAt = new Map();
    const latencies = [];
    let seq = 0;
    let sent = 0;
    let received = 0;
    let errors = 0;
    let firstError;
    let completed = 0;
    let measuring = count !== undefined;
    let stopping = false;
    let windowStart = now();
    let windowEnd;
    const timers = [];
    const send = () => {
      const id = `b${seq++}`;
      if (latency) sentAt.set(id, now());
      sent++;
      ws.send(`{"type":"req","id":"${id}","method":"${method}","params":${JSON.stringify(params)}}`);
    };
    const finish = (err) => {
      timers.forEach(clearTimeout);
      ws.removeListener("message", onMessage);
      ws.removeListener("close", onClose);
      if (err) return reject(err);
      resolve({ completed, windowMs: (windowEnd ?? now()) - windowStart, errors, firstError, latencies, sent, received });
    };
    const onClose = (code) => finish(new Error(`connection closed during the run (${code})`));
    function onMessage(data) {
      const f = JSON.parse(String(data));
      if (f.type !== "res") return; // tick/presence events
      received++;
      if (f.ok !== true) {
        errors++;
        firstError ??= f.error;
      }
      if (measuring) {
        completed++;
        if (latency) latencies.push(now() - sentAt.get(f.id));
      }
      if (latency) sentAt.delete(f.id);
      if (count !== undefined) {
        if (sent < count) send();
        else if (received >= count) {
          windowEnd = now();
          finish();
        }
        return;
      }
      if (!stopping) send();
      else if (received >= sent) finish();
    }
    ws.on("message", onMessage);
    ws.on("close", onClose);
    timers.push(setTimeout(() => finish(new Error(`driveRpc: not done within ${timeoutMs} ms (sent ${sent}, received ${received})`)), timeoutMs));
    if (count === undefined) {
      timers.push(
        setTimeout(() => {
          measuring = true;
          completed = 0;
          latencies.length = 0;
          windowStart = now();
        }, warmupMs),
      );
      timers.push(
        setTimeout(() => {
          windowEnd = now();
          measuring = false;
          stopping = true;
          if (received >= sent) finish();
        }, warmupMs + measureMs),
      );
    }
    if (count === 0) return finish();
    const first = count === undefined ? inFlight : Math.min(inFlight, count);
    for (let i = 0; i < first; i++) send();
  });
}

let clkTck;
/** CPU time (user + system) a process has used so far, in ms (Linux /proc/<pid>/stat). */
export function readCpuMs(pid) {
  clkTck ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start at ") "; utime and stime are
  // fields 14 and 15 overall, i.e. 12 and 13 after the state field.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / clkTck;
}

/**
 * CPU time a process has used so far, in ms, split into its main thread (the event loop) and its
 * other threads (libuv's pool doing fs work, V8's GC and compiler workers), each as user and
 * system time (Linux /proc/<pid>/task/<tid>/stat; threads that have exited are not counted).
 */
export function readCpuSplit(pid) {
  clkTck ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  const out = { mainUser: 0, mainSys: 0, otherUser: 0, otherSys: 0 };
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {}
  for (const tid of tids) {
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue;
    }
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const user = (Number(rest[11]) * 1000) / clkTck;
    const sys = (Number(rest[12]) * 1000) / clkTck;
    if (Number(tid) === pid) {
      out.mainUser += user;
      out.mainSys += sys;
    } else {
      out.otherUser += user;
      out.otherSys += sys;
    }
  }
  return out;
}

/** Bundles the TypeScript fake provider (test/helpers/fake-provider.ts) into a temp .mjs a child process can run. */
export async function bundleFakeProvider(label) {
  const { build } = await import("esbuild");
  const bundle = path.join(makeTempDir(label), "fake-provider.mjs");
  await build({
    entryPoints: [path.join(ROOT, "test", "helpers", "fake-provider.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  return bundle;
}
