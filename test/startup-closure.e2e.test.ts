// What the built gateway loads before its port answers (the startup closure), and that what was
// moved off that path still behaves the same when it loads later. The gateway runs as a child
// process under a module tracer (helpers/module-trace.mjs); build/meta.json (esbuild's metafile,
// written by scripts/build.mjs) maps each dist/ chunk back to its source modules.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayChild, type CliProcess, type GatewayChild } from "./helpers/cli-process.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { TEST_TOKEN, type TempState } from "./helpers/temp-state.js";
import { connectProbe, connectParams } from "./helpers/ws-probe.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TRACER = path.join(ROOT, "test", "helpers", "module-trace.mjs");

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** Source modules (paths relative to the repo) of each loaded dist/ file. */
function sourcesOf(urls: string[]): Set<string> {
  const meta = JSON.parse(fs.readFileSync(path.join(ROOT, "build", "meta.json"), "utf8")) as Metafile;
  const out = new Set<string>();
  for (const url of urls) {
    const rel = path.relative(ROOT, fileURLToPath(url));
    const chunk = meta.outputs[rel];
    if (!chunk) continue;
    for (const input of Object.keys(chunk.inputs)) out.add(input);
  }
  return out;
}

function traced(proc: CliProcess): { beforeListen: string[]; all: string[]; builtins: string[] } {
  const lines = proc.stderr().split("\n");
  const marker = lines.indexOf("[module-trace] listening");
  const loads = (ls: string[]) => ls.filter((l) => l.startsWith("[module-trace] load ")).map((l) => l.slice("[module-trace] load ".length));
  const builtins = lines.find((l) => l.startsWith("[module-trace] builtins "))?.slice("[module-trace] builtins ".length).split(" ") ?? [];
  return { beforeListen: loads(marker < 0 ? [] : lines.slice(0, marker)), all: loads(lines), builtins };
}

// Loaded later (first use, or after listen), never before the port answers.
const NOT_AT_STARTUP = [
  /^build\/generated\/protocol-validators-[a-z]+\.js$/,
  /^src\/automation\/(cron-service|jobs|schedule|store)\.ts$/,
  /^src\/agents\/engine\/(run|compaction)\.ts$/,
  /^src\/agents\/tools\//,
  /^src\/agents\/providers\/(adapters|fallback|openai-completions|openai-responses|anthropic-messages)\.ts$/,
  /^src\/gateway\/tls\/load-tls\.ts$/,
  /^src\/secrets\/resolve-(exec|file)\.ts$/,
  /^node_modules\/json5\//,
  // TypeBox beyond the builders in use (src/protocol/typebox-builders.ts): e.g. Type.Extends' checker.
  /^node_modules\/@sinclair\/typebox\/build\/esm\/type\/extends\//,
];
// Node built-ins only a TLS gateway, a wss:// client or permessage-deflate need.
const BUILTINS_NOT_AT_STARTUP = ["tls", "https", "zlib"];

let state: TempState;
let port: number;
let gateway: CliProcess;
let child: GatewayChild;

beforeAll(async () => {
  child = await startGatewayChild(["--import", TRACER]);
  ({ state, port, gateway } = child);
});
afterAll(async () => {
  await child.stop();
});

describe("startup closure of the built gateway", () => {
  it("loads the handshake and health validators before it listens, and none of the heavy modules", async () => {
    const { probe, res } = await connectProbe(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TEST_TOKEN } }));
    expect(res.ok).toBe(true);
    expect((await probe.request("health", {})).ok).toBe(true);
    probe.close();
    const { beforeListen, all } = traced(gateway);
    expect(beforeListen.length).toBeGreaterThan(0);
    const startup = sourcesOf(beforeListen);
    // The map works: what the port needs is there.
    expect(startup).toContain("src/gateway/ws/connection.ts");
    expect(startup).toContain("build/generated/protocol-validators.js");
    const early = [...startup].filter((m) => NOT_AT_STARTUP.some((re) => re.test(m)));
    expect(early).toEqual([]);
    const { builtins } = traced(gateway);
    expect(builtins).toContain("http");
    expect(builtins.filter((b) => BUILTINS_NOT_AT_STARTUP.includes(b))).toEqual([]);
    // The server's startup path is one file (scripts/merge-startup.mjs): each ES module costs time to
    // load. 11 dist/ files at a start with a known-valid config; this first start also loads the
    // config validator (and the stubs it imports from the server file). Split, it was over 50.
    expect(beforeListen.filter((u) => u.includes("/dist/")).length).toBeLessThanOrEqual(20);
    // A handshake and `health` need nothing more from the protocol validators.
    expect([...sourcesOf(all)].filter((m) => m.startsWith("build/generated/protocol-validators-"))).toEqual([]);
  });
});

describe("method params validators loaded on first use", () => {
  let inProcess: RunningGateway;
  beforeAll(async () => {
    inProcess = await startGateway();
  });
  afterAll(async () => {
    await inProcess.stop();
  });

  // Bad params for methods of every lazily loaded group, sent back to back in one burst.
  const BAD: [string, unknown][] = [
    ["cron.add", {}],
    ["sessions.list", { bogus: 1 }],
    ["device.pair.approve", {}],
    ["config.set", { raw: 5 }],
    ["channels.status", { probe: "yes" }],
    ["cron.update", { id: "x", patch: { schedule: { kind: "every", everyMs: "soon" } } }],
  ];

  async function rawErrors(url: string): Promise<string[]> {
    const { probe, res } = await connectProbe(url, connectParams({ auth: { token: TEST_TOKEN } }));
    expect(res.ok).toBe(true);
    const raw: string[] = [];
    probe.ws.on("message", (d) => raw.push(String(d)));
    BAD.forEach(([method, params], i) => probe.send({ type: "req", id: `b${i}`, method, params }));
    await Promise.all(BAD.map((_, i) => probe.next((f) => f.type === "res" && f.id === `b${i}`)));
    probe.close();
    return raw.filter((t) => t.startsWith('{"type":"res"'));
  }

  it("answer bad params with the same frames, in request order, as validators compiled at run time", async () => {
    const built = await rawErrors(`ws://127.0.0.1:${port}`);
    const source = await rawErrors(inProcess.url);
    expect(built.map((t) => (JSON.parse(t) as { id: string }).id)).toEqual(BAD.map((_, i) => `b${i}`));
    expect(built).toEqual(source);
    for (const t of built) expect(JSON.parse(t)).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    // ... and those calls are what loaded the group modules.
    const groups = [...sourcesOf(traced(gateway).all)].filter((m) => m.startsWith("build/generated/protocol-validators-")).sort();
    expect(groups).toEqual(["agents", "channels", "cron", "devices", "system"].map((g) => `build/generated/protocol-validators-${g}.js`));
  });

  // The bundle builds schemas with src/protocol/typebox-builders.ts instead of all of TypeBox.
  it("serve the same schemas as the source (config.schema, tools.catalog)", async () => {
    const payloads = async (url: string) => {
      const { probe, res } = await connectProbe(url, connectParams({ auth: { token: TEST_TOKEN } }));
      expect(res.ok).toBe(true);
      const out = [(await probe.request("config.schema", {})).payload, (await probe.request("tools.catalog", {})).payload];
      probe.close();
      return JSON.stringify(out);
    };
    const built = await payloads(`ws://127.0.0.1:${port}`);
    expect(built).toContain('"additionalProperties"');
    expect(built).toBe(await payloads(inProcess.url));
  });
});
