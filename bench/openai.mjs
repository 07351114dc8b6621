#!/usr/bin/env node
// The OpenAI-compatible HTTP API of the gateway (`GET /v1/models`, `POST /v1/chat/completions`,
// bearer token auth) against a fake model provider that answers at once
// (test/helpers/fake-provider.ts, bundled here with esbuild and run in its own process by
// bench/openai-provider.mjs). "Direct" is the same request sent to the fake provider's own
// /v1/chat/completions (model "fake-model") in the same run, so the difference is the gateway.
//   1. `GET /v1/models` with the token, --connections keep-alive connections, 0.5 s warmup +
//      --models-seconds (load generator bench/openai-load.mjs, its own process): req/s, latency,
//      gateway CPU per request (/proc/<pid>/stat).
//   2. Non-stream chat completion, --connections connections: after --chat-warmup s (3) of the
//      same load on the gateway and 1 s direct, not counted, rounds gateway, direct, gateway,
//      direct (--pairs, 0.5 s warmup + --seconds each): gateway req/s over direct req/s. Then one
//      connection, one request at a time, gateway and direct interleaved (--n each, after a
//      warmup): p50/p99 and the added p50.
//   3. Streamed chat completion (`stream: true`), one connection, interleaved, --n-stream each: time
//      from sending the request to the first `data:` chunk whose delta has non-empty `content`
//      (the figure), and to the first body byte (shown too: the gateway sends its role chunk
//      before it calls the model, so its first byte says nothing about the model's answer).
//   4. A fresh gateway under --connections connections of non-stream chat completions for
//      --minutes minutes (10; 2 with --quick): VmRSS every 30 s; growth from the 1-minute reading
//      to the last one.
// Every response is checked (status 200 and the fake's text); failures are counted and reported,
// and a check with failures counts as missed. With --profile, 1 and 2 run once more against a
// gateway under `node --cpu-prof` and the top functions and modules by CPU time are printed (a
// diagnostic; not in the JSON figures); --keep keeps the .cpuprofile.
//   node bench/openai.mjs [--minutes 10 | --quick] [--connections 50] [--models-seconds 3]
//                         [--seconds 2.5] [--pairs 2] [--chat-warmup 3] [--cli <build dir>] [--n 300] [--n-stream 200] [--profile]
//                         [--top 20] [--keep] [--skip-rss]
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {
  HOST,
  ROOT,
  TOKEN,
  machineInfo,
  makeTempDir,
  mb,
  now,
  printJson,
  printTable,
  profileTime,
  readCpuMs,
  readRss,
  requireBuild,
  round,
  runBench,
  startGateway,
  stats,
  stopChild,
  track,
  bundleFakeProvider, numberOption, onJsonLines, urlLine,
} from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt, max) => numberOption(args, name, dflt, max);
const QUICK = args.includes("--quick");
const MINUTES = opt("--minutes", QUICK ? 2 : 10, 60);
const CONNECTIONS = Math.round(opt("--connections", 50, 1000));
const MODELS_SECONDS = opt("--models-seconds", 3, 60);
const CHAT_SECONDS = opt("--seconds", 2.5, 60);
const PAIRS = Math.round(opt("--pairs", 2, 10));
const CHAT_WARMUP_S = opt("--chat-warmup", 3, 60);
// --cli <dir>: run the gateway of another build (a copy of its bin/ and dist/), for A/Bs.
const cliIdx = args.indexOf("--cli");
const GATEWAY_CLI = cliIdx >= 0 ? { cli: path.join(path.resolve(String(args[cliIdx + 1] ?? "")), "bin", "openclaw.mjs") } : {};
const N = Math.round(opt("--n", 300, 100_000));
const N_STREAM = Math.round(opt("--n-stream", 200, 100_000));
const PROFILE = args.includes("--profile");
const KEEP = args.includes("--keep");
const SKIP_RSS = args.includes("--skip-rss");
const TOP = Math.round(opt("--top", 20, 200));
const WARMUP_S = 0.5;
const SEQ_WARMUP = 50; // untimed requests per target before the one-at-a-time series
const RSS_INTERVAL_S = 30;
const REQUEST_TIMEOUT_MS = 30_000;

const TARGET_MODELS_RPS = 10_000;
const TARGET_RATIO = 0.2;
const TARGET_ADDED_P50_MS = 3;
const TARGET_TTFB_DIFF_MS = 3;
const TARGET_RSS_GROWTH_MB = 50;
const REF = { models: "608 req/s, p50 73 ms", ratio: "3–4 vs 37,000 req/s", latency: "257 ms", ttfb: "", rss: "" };

const FAKE_TEXT = "Hello from fake.";
const MESSAGES = [{ role: "user", content: "hi" }];
const GW_BODY = JSON.stringify({ model: "openclaw/default", messages: MESSAGES });
const GW_STREAM_BODY = JSON.stringify({ model: "openclaw/default", messages: MESSAGES, stream: true });
const DIRECT_BODY = JSON.stringify({ model: "fake-model", messages: MESSAGES });
const DIRECT_STREAM_BODY = JSON.stringify({ model: "fake-model", messages: MESSAGES, stream: true });
const GW_HEADERS = { Authorization: `Bearer ${TOKEN}` };
const DIRECT_HEADERS = { Authorization: "Bearer k" };
const CHAT_PATH = "/v1/chat/completions";

// ---------------------------------------------------------------------------------------------
// The fake provider, in its own process (IPC for its request count).

async function startProvider() {
  const bundle = await bundleFakeProvider("openai-fake");
  const maxSeconds = Math.ceil(MINUTES * 60 + 900);
  const child = track(
    spawn(process.execPath, [path.join(ROOT, "bench", "openai-provider.mjs"), bundle, "--max-seconds", String(maxSeconds)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    }),
  );
  const { url, port } = await urlLine(child, "fake provider");
  return { child, url, port, pid: child.pid };
}

/** Model requests the provider has served so far. */
function providerCount(p) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.child.off("message", onMessage);
      reject(new Error("fake provider did not answer `count` within 5 s"));
    }, 5000);
    const onMessage = (m) => {
      if (typeof m?.requestCount !== "number") return;
      clearTimeout(timer);
      p.child.off("message", onMessage);
      resolve(m.requestCount);
    };
    p.child.on("message", onMessage);
    p.child.send("count");
  });
}

function gatewayConfig(providerUrl) {
  return (dir) => {
    const workspace = path.join(dir, "workspace");
    fs.mkdirSync(workspace, { recursive: true });
    return {
      gateway: { mode: "local", auth: { mode: "token", token: TOKEN }, http: { endpoints: { chatCompletions: { enabled: true } } } },
      models: {
        providers: {
          fake: { baseUrl: `${providerUrl}/v1`, apiKey: "k", api: "openai-completions", models: [{ id: "fake-model", contextWindow: 128000, maxTokens: 256 }] },
        },
      },
      agents: { defaults: { model: "fake/fake-model", workspace, skipBootstrap: true, maxConcurrent: 64 } },
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Load rounds (bench/openai-load.mjs, its own process).

/**
 * One load round: `spec` is { port, method, path, body, headers, contains }; resolves the load
 * generator's result. `onProgress` sees its progress lines (with `--progress`).
 */
function loadRound(spec, { seconds, warmup = WARMUP_S, connections = CONNECTIONS, progress, onProgress } = {}) {
  const a = [
    path.join(ROOT, "bench", "openai-load.mjs"),
    "--port", String(spec.port),
    "--method", spec.method ?? "GET",
    "--path", spec.path,
    "--seconds", String(seconds),
    "--warmup", String(warmup),
    "--connections", String(connections),
    "--expect-status", "200",
  ];
  if (spec.body !== undefined) a.push("--body", spec.body);
  for (const [k, v] of Object.entries(spec.headers ?? {})) a.push("--header", `${k}: ${v}`);
  if (spec.contains) a.push("--expect-contains", spec.contains);
  if (progress) a.push("--progress", String(progress));
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, a, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] }));
    let last;
    onJsonLines(child.stdout, (j) => {
      if (j.progress) onProgress?.(j);
      else last = j;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + warmup + 60) * 1000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 || !last) reject(new Error(`load generator exited ${code ?? signal} without a result`));
      else resolve(last);
    });
  });
}

/** A load round with the CPU time the given processes used during it (ms) and the wall time. */
async function measuredRound(spec, opts, pids) {
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, readCpuMs(pid)]));
  const t0 = now();
  const r = await loadRound(spec, opts);
  const wallMs = now() - t0;
  const cpuMs = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, readCpuMs(pid) - cpu0[k]]));
  return { ...r, wallMs, cpuMs };
}

// ---------------------------------------------------------------------------------------------
// One request at a time, from this process (keep-alive, one socket per target).

const agents = new Map();
function agentFor(port) {
  if (!agents.has(port)) agents.set(port, new http.Agent({ keepAlive: true, maxSockets: 1 }));
  return agents.get(port);
}

/**
 * Sends one request and reads the answer. Resolves { status, text, firstByteMs, firstContentMs,
 * endMs } (ms from just before the request is sent); for SSE answers `firstContentMs` is when the
 * first `data:` chunk with non-empty `choices[0].delta.content` arrived and `content` is all the
 * content deltas joined.
 */
function timedRequest(port, { method = "POST", path: p, headers, body, sse = false }) {
  return new Promise((resolve, reject) => {
    const buf = body === undefined ? undefined : Buffer.from(body);
    const h = { ...headers };
    if (buf) {
      h["Content-Type"] = "application/json";
      h["Content-Length"] = String(buf.length);
    }
    const t0 = now();
    let firstByteMs;
    let firstContentMs;
    let content = "";
    let text = "";
    let pending = "";
    const req = http.request({ host: HOST, port, path: p, method, headers: h, agent: agentFor(port), timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (s) => {
        const t = now() - t0;
        firstByteMs ??= t;
        text += s;
        if (!sse) return;
        pending += s;
        let idx;
        while ((idx = pending.indexOf("\n\n")) >= 0) {
          const event = pending.slice(0, idx);
          pending = pending.slice(idx + 2);
          for (const line of event.split("\n")) {
            if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
            let delta;
            try {
              delta = JSON.parse(line.slice(6)).choices?.[0]?.delta;
            } catch {
              continue;
            }
            if (typeof delta?.content === "string" && delta.content !== "") {
              firstContentMs ??= t;
              content += delta.content;
            }
          }
        }
      });
      res.on("end", () => resolve({ status: res.statusCode, text, content, firstByteMs, firstContentMs, endMs: now() - t0 }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(buf);
  });
}

const targets = (gwPort, directPort) => ({
  gateway: { port: gwPort, path: CHAT_PATH, headers: GW_HEADERS, body: GW_BODY, streamBody: GW_STREAM_BODY },
  direct: { port: directPort, path: CHAT_PATH, headers: DIRECT_HEADERS, body: DIRECT_BODY, streamBody: DIRECT_STREAM_BODY },
});

/** One non-stream chat completion; throws unless it is a 200 carrying the fake's text. */
async function chatOnce(t) {
  const r = await timedRequest(t.port, { path: t.path, headers: t.headers, body: t.body });
  let content;
  try {
    content = JSON.parse(r.text).choices?.[0]?.message?.content;
  } catch {}
  if (r.status !== 200 || content !== FAKE_TEXT) throw new Error(`chat completion on port ${t.port}: status ${r.status}, body ${r.text.slice(0, 300)}`);
  return r;
}

/** One streamed chat completion; throws unless it is a 200 whose deltas spell the fake's text. */
async function streamOnce(t) {
  const r = await timedRequest(t.port, { path: t.path, headers: t.headers, body: t.streamBody, sse: true });
  if (r.status !== 200 || r.content !== FAKE_TEXT || !r.text.trimEnd().endsWith("data: [DONE]") || r.firstContentMs === undefined) {
    throw new Error(`streamed chat completion on port ${t.port}: status ${r.status}, content ${JSON.stringify(r.content)}, body ${r.text.slice(0, 300)}`);
  }
  return r;
}

/** `n` requests to each target, interleaved (the order flips every request); the timings per target. */
async function interleaved(ts, n, once, warmup) {
  for (let i = 0; i < warmup; i++) for (const t of Object.values(ts)) await once(t);
  const out = Object.fromEntries(Object.keys(ts).map((k) => [k, []]));
  const names = Object.keys(ts);
  for (let i = 0; i < n; i++) {
    const order = i % 2 ? [...names].reverse() : names;
    for (const name of order) out[name].push(await once(ts[name]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks before measuring: the endpoints answer as they should, and the gateway calls the model.

async function sanity(gwPort, provider) {
  const list = await timedRequest(gwPort, { method: "GET", path: "/v1/models", headers: GW_HEADERS });
  if (list.status !== 200 || !list.text.includes('"openclaw/default"')) throw new Error(`GET /v1/models: status ${list.status}, body ${list.text.slice(0, 300)}`);
  const anon = await timedRequest(gwPort, { method: "GET", path: "/v1/models", headers: {} });
  if (anon.status !== 401) throw new Error(`GET /v1/models without the token answered ${anon.status}, not 401`);
  const ts = targets(gwPort, provider.port);
  const before = await providerCount(provider);
  await chatOnce(ts.gateway);
  await streamOnce(ts.gateway);
  const calls = (await providerCount(provider)) - before;
  if (calls !== 2) throw new Error(`two gateway chat completions made ${calls} model requests, not 2`);
  await chatOnce(ts.direct);
  await streamOnce(ts.direct);
  return { modelsBytes: Buffer.byteLength(list.text) };
}

// ---------------------------------------------------------------------------------------------

const fmt = (x, d = 0) => (Number.isFinite(x) ? round(x, d).toLocaleString("en-US") : String(x));
const yes = (b) => (b ? "yes" : "**no**");
const failuresOf = (...rs) => rs.reduce((a, r) => a + (r.bad ?? 0) + (r.errors ?? 0), 0);
const firstProblemOf = (...rs) => rs.find((r) => r.firstProblem)?.firstProblem;

/**
 * Inclusive time of our code's and bundled dependencies' functions (each counted once per sample
 * however often it is on the stack), over the samples in [fromUs, toUs] that are not idle: which
 * call paths the busy time is spent under. Keys are `name (chunk:line)`; returns ms per key and
 * the busy ms in all.
 */
function inclusiveTime(profile, { fromUs = -Infinity, toUs = Infinity } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keysCache = new Map();
  const keysOf = (id) => {
    let keys = keysCache.get(id);
    if (keys) return keys;
    const set = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      if (!cf.url.startsWith("file://")) continue;
      set.add(`${cf.functionName || "(anonymous)"} (${path.basename(cf.url)}:${cf.lineNumber + 1})`);
    }
    keys = [...set];
    keysCache.set(id, keys);
    return keys;
  };
  const ms = new Map();
  let busy = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const prev = t;
    t += profile.timeDeltas[i] ?? 0;
    if (t < fromUs) continue;
    if (t > toUs) break;
    const leaf = byId.get(profile.samples[i]).callFrame.functionName;
    if (leaf === "(idle)") continue;
    const dt = (t - prev) / 1000;
    busy += dt;
    for (const k of keysOf(profile.samples[i])) ms.set(k, (ms.get(k) ?? 0) + dt);
  }
  return { ms, busy };
}

function profileSummary(prof, windows) {
  const out = {};
  for (const [name, w] of Object.entries(windows)) {
    const t = profileTime(prof, w);
    const inc = inclusiveTime(prof, w);
    const top = (m, total) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP)
        .map(([k, ms]) => ({ name: k, ms: round(ms, 1), pct: round((100 * ms) / total, 1) }));
    out[name] = { ...w, totalMs: round(t.total, 1), busyMs: round(inc.busy, 1), functions: top(t.byFunction, t.total), modules: top(t.byModule, t.total), inclusive: top(inc.ms, inc.busy) };
  }
  return out;
}

await runBench("openai", async () => {
  requireBuild();
  const info = machineInfo();
  const t0 = now();
  const provider = await startProvider();
  const config = gatewayConfig(provider.url);
  const A = await startGateway("openai", { config, ...GATEWAY_CLI });
  const gwPids = { gateway: A.pid, provider: provider.pid };
  const ts = targets(A.port, provider.port);
  const { modelsBytes } = await sanity(A.port, provider);

  // 1. GET /v1/models.
  const modelsSpec = { port: A.port, method: "GET", path: "/v1/models", headers: GW_HEADERS, contains: '"openclaw/default"' };
  const models = await measuredRound(modelsSpec, { seconds: MODELS_SECONDS }, { gateway: A.pid });
  const modelsUsPerReq = (models.cpuMs.gateway * 1000) / models.total;
  const modelsGwPct = (100 * models.cpuMs.gateway) / models.wallMs;
  const modelsFailures = failuresOf(models);

  // 2. Non-stream chat completions, concurrent: A B A B.
  const gwSpec = { port: A.port, method: "POST", path: CHAT_PATH, headers: GW_HEADERS, body: GW_BODY, contains: FAKE_TEXT };
  const directSpec = { port: provider.port, method: "POST", path: CHAT_PATH, headers: DIRECT_HEADERS, body: DIRECT_BODY, contains: FAKE_TEXT };
  // Not counted: a fresh gateway needs a few seconds of this load before its JIT and heap settle
  // (its first short round came out at half the later ones); the direct path is warm at once.
  await loadRound(gwSpec, { seconds: CHAT_WARMUP_S });
  await loadRound(directSpec, { seconds: 1 });
  const rounds = [];
  let modelCalls = 0;
  for (let i = 0; i < PAIRS; i++) {
    const c0 = await providerCount(provider);
    rounds.push({ name: "gateway", ...(await measuredRound(gwSpec, { seconds: CHAT_SECONDS }, gwPids)) });
    modelCalls += (await providerCount(provider)) - c0;
    rounds.push({ name: "direct", ...(await measuredRound(directSpec, { seconds: CHAT_SECONDS }, gwPids)) });
  }
  const agg = (name) => {
    const rs = rounds.filter((r) => r.name === name);
    const sum = (f) => rs.reduce((a, r) => a + f(r), 0);
    const wall = sum((r) => r.wallMs);
    const all = sum((r) => r.total);
    const lat = rs.map((r) => r.latencyMs);
    return {
      rps: (sum((r) => r.requests) * 1000) / sum((r) => r.windowMs),
      rounds: rs.map((r) => Math.round(r.rps)),
      total: all,
      p50: Math.max(...lat.map((l) => l.p50)),
      p99: Math.max(...lat.map((l) => l.p99)),
      gwUsPerReq: (sum((r) => r.cpuMs.gateway) * 1000) / all,
      providerUsPerReq: (sum((r) => r.cpuMs.provider) * 1000) / all,
      gwCpuPct: (100 * sum((r) => r.cpuMs.gateway)) / wall,
      providerCpuPct: (100 * sum((r) => r.cpuMs.provider)) / wall,
      clientCpuPct: sum((r) => r.clientCpuPct ?? 0) / rs.length,
      failures: failuresOf(...rs),
      firstProblem: firstProblemOf(...rs),
    };
  };
  const G = agg("gateway");
  const D = agg("direct");
  const ratio = G.rps / D.rps;

  // 2b. One at a time.
  const seqCpu0 = readCpuMs(A.pid);
  const seq = await interleaved(ts, N, chatOnce, SEQ_WARMUP);
  const seqGwUsPerReq = ((readCpuMs(A.pid) - seqCpu0) * 1000) / (N + SEQ_WARMUP);
  const seqG = stats(seq.gateway.map((r) => r.endMs));
  const seqD = stats(seq.direct.map((r) => r.endMs));
  const added = seqG.p50 - seqD.p50;

  // 3. Streamed: time to the first content chunk (and to the first byte).
  const str = await interleaved(ts, N_STREAM, streamOnce, Math.min(SEQ_WARMUP, N_STREAM));
  const sG = { content: stats(str.gateway.map((r) => r.firstContentMs)), byte: stats(str.gateway.map((r) => r.firstByteMs)), end: stats(str.gateway.map((r) => r.endMs)) };
  const sD = { content: stats(str.direct.map((r) => r.firstContentMs)), byte: stats(str.direct.map((r) => r.firstByteMs)), end: stats(str.direct.map((r) => r.endMs)) };
  const ttfbDiff = sG.content.p50 - sD.content.p50;
  await stopChild(A.child);

  // 4. RSS under load, fresh gateway.
  let rss;
  if (!SKIP_RSS) {
    const B = await startGateway("openai-rss", { config, ...GATEWAY_CLI });
    try {
      await chatOnce(targets(B.port, provider.port).gateway);
      const idle = readRss(B.pid);
      const series = [];
      const cpu0 = readCpuMs(B.pid);
      let lastOk = 0;
      let lastT = 0;
      const r = await loadRound(
        { ...gwSpec, port: B.port },
        {
          // A little past the last reading, so that it is taken under load too.
          seconds: MINUTES * 60 + 2,
          warmup: 0,
          progress: RSS_INTERVAL_S,
          onProgress: (p) => {
            const { rss: v, hwm } = readRss(B.pid);
            series.push({ t: round(p.t / 1000, 1), rss: v, hwm, rps: ((p.ok - lastOk) * 1000) / (p.t - lastT), failures: p.bad + p.errors });
            lastOk = p.ok;
            lastT = p.t;
          },
        },
      );
      const cpuMs = readCpuMs(B.pid) - cpu0;
      const after = readRss(B.pid);
      const at1 = series.reduce((best, s) => (Math.abs(s.t - 60) < Math.abs(best.t - 60) ? s : best), series[0]);
      const last = series[series.length - 1];
      rss = {
        idle: idle.rss,
        series,
        at1,
        last,
        growth: last.rss - at1.rss,
        hwm: after.hwm,
        afterLoad: after.rss,
        rps: r.rps,
        completions: r.total,
        gwUsPerReq: (cpuMs * 1000) / r.total,
        failures: failuresOf(r),
        firstProblem: r.firstProblem,
        p50: r.latencyMs.p50,
        p99: r.latencyMs.p99,
        stateDirMB: mb(dirBytes(B.state.dir)),
      };
      if (series.length < 2 || at1.t > 75) throw new Error(`RSS series too short (${series.length} readings)`);
    } finally {
      await stopChild(B.child);
    }
  }

  // Optional: 1 and 2 again under the profiler.
  let profiles;
  if (PROFILE) profiles = await profileRun(config, provider);

  await stopChild(provider.child);

  // Results.
  const met = {
    models: modelsFailures === 0 && models.rps >= TARGET_MODELS_RPS,
    ratio: G.failures === 0 && ratio >= TARGET_RATIO,
    addedLatency: added <= TARGET_ADDED_P50_MS,
    ttfb: ttfbDiff <= TARGET_TTFB_DIFF_MS,
    rss: rss ? rss.failures === 0 && rss.growth <= TARGET_RSS_GROWTH_MB * 1024 * 1024 : null,
  };
  const ms = (x) => round(x, 3);
  const rows = [
    ["measure", "figure", "p50 ms", "p99 ms", "target", "reference", "met"],
    [`1 GET /v1/models, ${CONNECTIONS} conns, ${MODELS_SECONDS} s`, `${fmt(models.rps)} req/s`, ms(models.latencyMs.p50), ms(models.latencyMs.p99), `>= ${fmt(TARGET_MODELS_RPS)} req/s`, REF.models, yes(met.models)],
    [`2 chat, ${CONNECTIONS} conns: gateway (${PAIRS} x ${CHAT_SECONDS} s)`, `${fmt(G.rps)} req/s`, ms(G.p50), ms(G.p99), "", "3–4 req/s", ""],
    [`2 chat, ${CONNECTIONS} conns: direct to the fake`, `${fmt(D.rps)} req/s`, ms(D.p50), ms(D.p99), "", "37,000 req/s", ""],
    ["2 chat: gateway / direct", `${round(ratio * 100, 1)}%`, "", "", `>= ${TARGET_RATIO * 100}%`, "~0.01%", yes(met.ratio)],
    [`2 chat, 1 conn, one at a time: gateway (n=${N})`, "", ms(seqG.p50), ms(seqG.p99), "", "", ""],
    [`2 chat, 1 conn, one at a time: direct (n=${N})`, "", ms(seqD.p50), ms(seqD.p99), "", "", ""],
    ["2 chat: added p50 (gateway - direct)", `${ms(added)} ms`, "", "", `<= ${TARGET_ADDED_P50_MS} ms`, REF.latency, yes(met.addedLatency)],
    [`3 stream, first content chunk: gateway (n=${N_STREAM})`, "", ms(sG.content.p50), ms(sG.content.p99), "", "", ""],
    [`3 stream, first content chunk: direct (n=${N_STREAM})`, "", ms(sD.content.p50), ms(sD.content.p99), "", "", ""],
    ["3 stream: first content chunk p50 difference", `${ms(ttfbDiff)} ms`, "", "", `<= ${TARGET_TTFB_DIFF_MS} ms`, "", yes(met.ttfb)],
    ["3 stream, first body byte: gateway / direct", `${ms(sG.byte.p50)} / ${ms(sD.byte.p50)} ms`, "", "", "", "", ""],
    ["3 stream, whole response: gateway / direct", `${ms(sG.end.p50)} / ${ms(sD.end.p50)} ms`, "", "", "", "", ""],
  ];
  if (rss) {
    rows.push(
      [`4 RSS after ${rss.at1.t} s of chat load`, `${mb(rss.at1.rss)} MB`, "", "", "", "", ""],
      [`4 RSS after ${rss.last.t} s of chat load`, `${mb(rss.last.rss)} MB`, "", "", "", "", ""],
      ["4 RSS growth", `${mb(rss.growth)} MB`, "", "", `<= ${TARGET_RSS_GROWTH_MB} MB`, "", yes(met.rss)],
    );
  }
  printTable(`OpenAI-compatible HTTP API vs a fake provider that answers at once (node ${info.node}, nproc ${info.nproc}, load at start ${info.loadavg.join(" ")})`, rows);
  console.log(
    `\nCPU per request: GET /v1/models ${fmt(modelsUsPerReq, 1)} µs in the gateway (gateway at ${Math.round(modelsGwPct)}% of a core, load generator at ${Math.round(models.clientCpuPct)}%; ${modelsBytes}-byte body).` +
      `\nChat, ${CONNECTIONS} conns: gateway ${fmt(G.gwUsPerReq)} µs + provider ${fmt(G.providerUsPerReq)} µs per gateway request (gateway at ${Math.round(G.gwCpuPct)}%, provider ${Math.round(G.providerCpuPct)}%, load generator ${Math.round(G.clientCpuPct)}%); ` +
      `provider ${fmt(D.providerUsPerReq)} µs per direct request (provider at ${Math.round(D.providerCpuPct)}%, load generator ${Math.round(D.clientCpuPct)}%). Rounds: gateway ${G.rounds.join(" / ")}, direct ${D.rounds.join(" / ")} req/s.` +
      `\nChat, one at a time: gateway ${fmt(seqGwUsPerReq)} µs CPU per request. Model requests per gateway completion under load: ${round(modelCalls / G.total, 3)}.`,
  );
  if (rss) {
    console.log(
      `\nRSS under ${CONNECTIONS} conns of non-stream chat (every ${RSS_INTERVAL_S} s; idle before: ${mb(rss.idle)} MB):\n` +
        rss.series.map((s) => `  ${String(s.t).padStart(6)} s  ${String(mb(s.rss)).padStart(7)} MB  (peak ${mb(s.hwm)} MB, ${fmt(s.rps)} req/s in the interval${s.failures ? `, ${s.failures} failures so far` : ""})`).join("\n") +
        `\n  ${fmt(rss.completions)} completions, ${fmt(rss.rps)} req/s, p50/p99 ${ms(rss.p50)} / ${ms(rss.p99)} ms, gateway ${fmt(rss.gwUsPerReq)} µs CPU per request; state dir ${rss.stateDirMB} MB afterwards.`,
    );
  }
  const failures = { models: modelsFailures, chatGateway: G.failures, chatDirect: D.failures, rss: rss?.failures ?? 0 };
  const firstProblem = firstProblemOf(models, G, D, rss ?? {});
  console.log(`Failures: ${Object.entries(failures).map(([k, v]) => `${k} ${v}`).join(", ")}${firstProblem ? ` (first: ${firstProblem})` : ""}.`);
  if (profiles) printProfiles(profiles);
  console.log(`${round((now() - t0) / 1000, 1)} s in all; load average at end ${os.loadavg().map((x) => round(x, 2)).join(" ")}.`);

  printJson({
    bench: "openai",
    ok: true,
    ...info,
    connections: CONNECTIONS,
    models: { rps: Math.round(models.rps), p50Ms: models.latencyMs.p50, p99Ms: models.latencyMs.p99, gatewayUsPerReq: round(modelsUsPerReq, 1), gatewayCpuPct: Math.round(modelsGwPct), clientCpuPct: Math.round(models.clientCpuPct), failures: modelsFailures },
    chat: {
      gatewayRps: Math.round(G.rps),
      directRps: Math.round(D.rps),
      ratio: round(ratio, 4),
      rounds: { gateway: G.rounds, direct: D.rounds },
      gatewayP50Ms: G.p50,
      directP50Ms: D.p50,
      gatewayUsPerReq: Math.round(G.gwUsPerReq),
      providerUsPerGatewayReq: Math.round(G.providerUsPerReq),
      providerUsPerDirectReq: Math.round(D.providerUsPerReq),
      cpuPct: { gateway: Math.round(G.gwCpuPct), providerUnderGateway: Math.round(G.providerCpuPct), providerDirect: Math.round(D.providerCpuPct), clientGateway: Math.round(G.clientCpuPct), clientDirect: Math.round(D.clientCpuPct) },
      modelCallsPerCompletion: round(modelCalls / G.total, 3),
      failures: { gateway: G.failures, direct: D.failures },
    },
    sequential: { n: N, gateway: { p50: ms(seqG.p50), p99: ms(seqG.p99) }, direct: { p50: ms(seqD.p50), p99: ms(seqD.p99) }, addedP50Ms: ms(added), gatewayUsPerReq: Math.round(seqGwUsPerReq) },
    stream: {
      n: N_STREAM,
      measure: "first data: chunk with non-empty delta.content",
      gateway: { firstContentP50: ms(sG.content.p50), firstContentP99: ms(sG.content.p99), firstByteP50: ms(sG.byte.p50), endP50: ms(sG.end.p50) },
      direct: { firstContentP50: ms(sD.content.p50), firstContentP99: ms(sD.content.p99), firstByteP50: ms(sD.byte.p50), endP50: ms(sD.end.p50) },
      diffP50Ms: ms(ttfbDiff),
    },
    rss: rss
      ? {
          minutes: MINUTES,
          idleMB: mb(rss.idle),
          at1MinMB: mb(rss.at1.rss),
          lastMB: mb(rss.last.rss),
          growthMB: mb(rss.growth),
          hwmMB: mb(rss.hwm),
          series: rss.series.map((s) => ({ t: s.t, rssMB: mb(s.rss), rps: Math.round(s.rps) })),
          rps: Math.round(rss.rps),
          completions: rss.completions,
          gatewayUsPerReq: Math.round(rss.gwUsPerReq),
          failures: rss.failures,
          stateDirMB: rss.stateDirMB,
        }
      : null,
    targets: { modelsRps: TARGET_MODELS_RPS, ratio: TARGET_RATIO, addedP50Ms: TARGET_ADDED_P50_MS, ttfbDiffMs: TARGET_TTFB_DIFF_MS, rssGrowthMB: TARGET_RSS_GROWTH_MB },
    met,
  });
  for (const a of agents.values()) a.destroy();
});

/** Bytes under a directory (bounded walk). */
function dirBytes(dir) {
  let total = 0;
  const stack = [dir];
  for (let files = 0; stack.length && files < 100_000; files++) {
    const d = stack.pop();
    let entries = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {}
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else {
        try {
          total += fs.statSync(p).size;
        } catch {}
      }
    }
  }
  return total;
}

/** 1, 2 (concurrent) and 2 (one at a time) against a gateway under `node --cpu-prof`. */
async function profileRun(config, provider) {
  const profDir = makeTempDir("openai-prof");
  const C = await startGateway("openai-prof", { config, nodeArgs: ["--cpu-prof", "--cpu-prof-dir", profDir], ...GATEWAY_CLI });
  const monoUs = () => Number(process.hrtime.bigint() / 1000n);
  const windows = {};
  try {
    const t = targets(C.port, provider.port);
    for (let i = 0; i < SEQ_WARMUP; i++) await chatOnce(t.gateway);
    let s = monoUs();
    const m = await loadRound({ port: C.port, method: "GET", path: "/v1/models", headers: GW_HEADERS, contains: '"openclaw/default"' }, { seconds: MODELS_SECONDS });
    windows.models = { fromUs: s + WARMUP_S * 1e6, toUs: s + (WARMUP_S + MODELS_SECONDS) * 1e6, perSec: Math.round(m.rps), requests: m.requests };
    s = monoUs();
    const c = await loadRound({ port: C.port, method: "POST", path: CHAT_PATH, headers: GW_HEADERS, body: GW_BODY, contains: FAKE_TEXT }, { seconds: CHAT_SECONDS * PAIRS });
    windows.chatConcurrent = { fromUs: s + WARMUP_S * 1e6, toUs: s + (WARMUP_S + CHAT_SECONDS * PAIRS) * 1e6, perSec: Math.round(c.rps), requests: c.requests };
    s = monoUs();
    for (let i = 0; i < N; i++) await chatOnce(t.gateway);
    windows.chatSequential = { fromUs: s, toUs: monoUs(), perSec: null, requests: N };
  } finally {
    await stopChild(C.child, 15_000);
  }
  const file = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) {
    console.error("--profile: no .cpuprofile written (the gateway did not exit cleanly?)");
    return undefined;
  }
  const prof = JSON.parse(fs.readFileSync(path.join(profDir, file), "utf8"));
  if (KEEP) {
    const keep = fs.mkdtempSync(path.join(os.tmpdir(), "ocbench-openai-profile-"));
    fs.copyFileSync(path.join(profDir, file), path.join(keep, file));
    console.log(`profile kept in ${path.join(keep, file)}`);
  }
  return profileSummary(prof, windows);
}

function printProfiles(profiles) {
  for (const [name, p] of Object.entries(profiles)) {
    const rate = p.perSec ? `, ${fmt(p.perSec)} req/s under the profiler` : "";
    console.log(`\nProfile, ${name} (${fmt(p.totalMs)} ms of samples${rate}): top functions (self time)`);
    for (const f of p.functions) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
    console.log(`Profile, ${name}: by module (nearest own or bundled-dependency frame)`);
    for (const f of p.modules) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
    const per = p.requests ? ` ≈ ${fmt((1000 * p.busyMs) / p.requests)} µs per request` : "";
    console.log(`Profile, ${name}: inclusive time of our and bundled functions, % of the ${fmt(p.busyMs)} busy ms${per} (idle excluded)`);
    for (const f of p.inclusive) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
  }
}
