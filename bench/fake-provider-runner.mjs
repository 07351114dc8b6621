#!/usr/bin/env node
// The model provider for bench/agents.mjs, in its own process: imports the esbuild bundle of
// test/helpers/fake-provider.ts (agents.mjs builds it), starts it on 127.0.0.1 with an ephemeral
// port, prints one JSON line `{"url","port"}` and stays up until SIGTERM/SIGINT. On the way out it
// prints `{"requestCount","lastChatBodyBytes"}` (model requests served, size of the last recorded
// chat-completions body) so the benchmark can check the gateway really called it.
//   node bench/fake-provider-runner.mjs <fake-provider bundle .mjs> [maxRecorded]
import { pathToFileURL } from "node:url";

const bundle = process.argv[2];
const maxRecorded = Number(process.argv[3] ?? 100);
if (!bundle || !Number.isInteger(maxRecorded) || maxRecorded < 0) {
  console.error("usage: node bench/fake-provider-runner.mjs <bundle.mjs> [maxRecorded]");
  process.exit(2);
}
const { startFakeProvider } = await import(pathToFileURL(bundle).href);
const fake = await startFakeProvider({ maxRecorded });
console.log(JSON.stringify({ url: fake.url, port: fake.port }));

let stopping = false;
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    const last = [...fake.requests].reverse().find((r) => r.api === "chat" && r.body);
    console.log(JSON.stringify({ requestCount: fake.requestCount, lastChatBodyBytes: last ? Buffer.byteLength(JSON.stringify(last.body)) : null }));
    fake.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
// Never outlive the benchmark by long, even if it dies without killing us.
setTimeout(() => process.exit(0), 15 * 60_000).unref();
