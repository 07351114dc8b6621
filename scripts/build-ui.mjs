// Builds the Control UI (ui/, Vite + Lit) into dist/control-ui and enforces the first-load budget:
// the gzipped JS and CSS that index.html loads, plus the default view's chunks, stay <= 150 KB.
import fs from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const UI_OUT = path.join(root, "dist", "control-ui");
export const FIRST_LOAD_BUDGET = 150 * 1024;

/** Gzipped bytes of what the first page load fetches: index.html's scripts, styles and preloads, and the default (overview) view. */
export async function measureFirstLoad(dir = UI_OUT) {
  const html = await fs.readFile(path.join(dir, "index.html"), "utf8");
  const refs = new Set([...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]));
  const assets = await fs.readdir(path.join(dir, "assets"));
  // The default route's view chunk and what it imports (statically) are fetched at once as well.
  const pending = [...refs, ...assets.filter((f) => /^overview-.*\.js$/.test(f)).map((f) => `assets/${f}`)];
  const seen = new Set();
  let gz = 0;
  while (pending.length) {
    const rel = pending.pop();
    if (seen.has(rel)) continue;
    seen.add(rel);
    const body = await fs.readFile(path.join(dir, rel));
    gz += gzipSync(body, { level: 9 }).length;
    if (rel.endsWith(".js")) for (const m of body.toString("utf8").matchAll(/(?:^|[;}\s])import\s*(?:[^'"();]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) pending.push(`assets/${m[1]}`);
  }
  return { files: [...seen].sort(), gzipBytes: gz };
}

export async function buildUi() {
  const { build } = await import("vite");
  await build({ configFile: path.join(root, "ui", "vite.config.ts"), logLevel: "warn" });
  const first = await measureFirstLoad();
  const kb = (first.gzipBytes / 1024).toFixed(1);
  if (first.gzipBytes > FIRST_LOAD_BUDGET) {
    throw new Error(`control UI first load is ${kb} KB gzipped (${first.files.join(", ")}), over the ${FIRST_LOAD_BUDGET / 1024} KB budget`);
  }
  return `control UI in ${path.relative(root, UI_OUT)}/ (first load ${kb} KB gzipped, budget ${FIRST_LOAD_BUDGET / 1024} KB)`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`build: ${await buildUi()}`);
