// Loader hooks of module-trace.mjs: one stderr line per file module, written when it is loaded.
import fs from "node:fs";

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (url.startsWith("file:")) fs.writeSync(2, `[module-trace] load ${url}\n`);
  return result;
}
