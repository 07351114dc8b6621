#!/usr/bin/env node
// Diagnostic, not in `npm run bench`: what one streamed chat-completions call to a model provider
// costs the calling process, by client. The fake provider (test/helpers/fake-provider.ts, bundled
// with esbuild, in its own process) answers at once with 3 text deltas. This process calls it:
//   raw          node:http with a keep-alive agent, SSE lines split and JSON-parsed by hand (the floor);
//   sdk-fetch    the official `openai` SDK with Node's global fetch (undici), its default;
//   sdk-gateway  the same SDK with the gateway's transport (src/agents/providers/http-transport.ts,
//                bundled here), which is what the gateway uses.
// Each client: --concurrency callers for a 1 s warmup + --seconds counted, then one caller for as
// long; calls/s and this process's CPU µs per call (process.cpuUsage). Rounds alternate clients.
//   node bench/provider-call.mjs [--seconds 3] [--concurrency 50] [--rounds 2]
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, bundleFakeProvider, machineInfo, makeTempDir, printJson, printTable, round, runBench, track, numberOption } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt, max) => numberOption(args, name, dflt, max);
const SECONDS = opt("--seconds", 3, 30);
const CONCURRENCY = Math.round(opt("--concurrency", 50, 500));
const ROUNDS = Math.round(opt("--rounds", 2, 10));

async function startProvider() {
  const bundle = await bundleFakeProvider("provider-call");
  const child = track(spawn(process.execPath, [path.join(ROOT, "bench", "openai-provider.mjs"), bundle, "--max-seconds", "900"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("fake provider did not start within 10 s")), 10_000);
    child.stdout.setEncoding("utf8").once("data", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line).url);
    });
  });
}

async function bundleTransport() {
  const { build } = await import("esbuild");
  const outfile = path.join(makeTempDir("provider-call"), "http-transport.mjs");
  await build({ entryPoints: [path.join(ROOT, "src", "agents", "providers", "http-transport.ts")], outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning" });
  return import(pathToFileURL(outfile).href);
}

const body = { model: "fake-model", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } };
const jsonBody = { model: "fake-model", messages: [{ role: "user", content: "hi" }] };

// Raw node:http with a keep-alive agent: `read` turns the answer's text into a count of chunks
// (SSE lines split and JSON-parsed by hand; a whole JSON answer counts 3 when it carries text).
function rawClient(url, payloadBody, read) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(`${url}/v1/chat/completions`);
  const payload = JSON.stringify(payloadBody);
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request(target, { method: "POST", agent, headers: { "content-type": "application/json", authorization: "Bearer k", "content-length": Buffer.byteLength(payload) } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve(read(text)));
      });
      req.on("error", reject);
      req.end(payload);
    });
}

function sseChunks(text) {
  let chunks = 0;
  for (const line of text.split("\n")) if (line.startsWith("data: {")) (JSON.parse(line.slice(6)), chunks++);
  return chunks;
}

const jsonChunks = (text) => (JSON.parse(text).choices[0].message.content ? 3 : 0);

function sdkClient(OpenAI, url, fetch) {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "k", maxRetries: 0, ...(fetch ? { fetch } : {}) });
  return async () => {
    let chunks = 0;
    for await (const _ of await client.chat.completions.create(body)) chunks++;
    return chunks;
  };
}

// The SDK asking for the whole answer (what the gateway does for a non-stream HTTP answer).
function sdkJsonClient(OpenAI, url, fetch) {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "k", maxRetries: 0, ...(fetch ? { fetch } : {}) });
  return async () => ((await client.chat.completions.create(jsonBody)).choices[0].message.content ? 3 : 0);
}

async function measure(call, concurrency, seconds) {
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        if ((await call()) < 3) throw new Error("the provider's answer had fewer than 3 chunks");
        calls++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { perSec: (calls * 1000) / (Date.now() - t0), usPerCall: (cpu.user + cpu.system) / calls };
}

await runBench("provider-call", async () => {
  const url = await startProvider();
  const { default: OpenAI } = await import("openai");
  const { createHttpTransport } = await bundleTransport();
  const clients = { raw: rawClient(url, body, sseChunks), "sdk-fetch": sdkClient(OpenAI, url), "sdk-gateway": sdkClient(OpenAI, url, createHttpTransport().fetch),
    "raw-json": rawClient(url, jsonBody, jsonChunks),
    "sdk-gateway-json": sdkJsonClient(OpenAI, url, createHttpTransport().fetch),
  };
  const results = Object.fromEntries(Object.keys(clients).map((k) => [k, { conc: [], one: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, call] of Object.entries(clients)) {
      await measure(call, CONCURRENCY, 1);
      results[name].conc.push(await measure(call, CONCURRENCY, SECONDS));
      results[name].one.push(await measure(call, 1, SECONDS));
    }
  }
  const med = (xs, k) => round([...xs].map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)], 0);
  const rows = [["client", `calls/s (${CONCURRENCY} callers)`, "µs CPU/call", "calls/s (1 caller)", "µs CPU/call"]];
  const figures = {};
  for (const [name, r] of Object.entries(results)) {
    figures[name] = { perSec: med(r.conc, "perSec"), usPerCall: med(r.conc, "usPerCall"), perSecOne: med(r.one, "perSec"), usPerCallOne: med(r.one, "usPerCall") };
    rows.push([name, figures[name].perSec, figures[name].usPerCall, figures[name].perSecOne, figures[name].usPerCallOne]);
  }
  printTable(`one chat-completions call (streamed; -json: whole answer), by client (median of ${ROUNDS} rounds; ${machineInfo().node}, load ${machineInfo().loadavg.join(" ")})`, rows);
  printJson({ bench: "provider-call", ok: true, ...machineInfo(), concurrency: CONCURRENCY, seconds: SECONDS, rounds: ROUNDS, figures });
});
