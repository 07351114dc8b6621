#!/usr/bin/env node
// The fake model provider for bench/openai.mjs, in its own process: imports the esbuild bundle of
// test/helpers/fake-provider.ts (openai.mjs builds it), starts it on 127.0.0.1 with an ephemeral
// port and nothing recorded, prints one JSON line `{"url","port"}` and stays up until SIGTERM or
// SIGINT (or --max-seconds, whatever happens to its parent). Over the IPC channel, when there is
// one, a "count" message is answered with `{ requestCount }` (model requests served so far), so
// the benchmark can check that the gateway really called the model.
//   node bench/openai-provider.mjs <fake-provider bundle .mjs> [--max-seconds 4000]
import { pathToFileURL } from "node:url";

const bundle = process.argv[2];
const i = process.argv.indexOf("--max-seconds");
const maxSeconds = i > 0 ? Number(process.argv[i + 1]) : 4000;
if (!bundle || !(maxSeconds > 0)) {
  console.error("usage: node bench/openai-provider.mjs <bundle.mjs> [--max-seconds 4000]");
  process.exit(2);
}
const { startFakeProvider } = await import(pathToFileURL(bundle).href);
const fake = await startFakeProvider({ maxRecorded: 0 });
process.on("message", (m) => {
  if (m === "count") process.send?.({ requestCount: fake.requestCount });
});
console.log(JSON.stringify({ url: fake.url, port: fake.port }));

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.channel?.unref();
  fake.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop); // the parent is gone
// Never outlive the benchmark by long.
setTimeout(stop, maxSeconds * 1000).unref();
