#!/usr/bin/env node
// Build: precompile the validators (ajv standalone), then bundle the CLI and gateway with esbuild
// into dist/ (code-split, so status commands never load the server), then the Control UI. Type-checking is `npm run
// typecheck`, which `npm test` runs first.
import { build } from "esbuild";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { lazyBuiltins } from "./lazy-builtins.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "dist");
const gen = path.join(root, "build", "generated");
const t0 = performance.now();

// CommonJS dependencies (ajv runtime helpers, pino) call require(); give the ESM bundle one.
const banner = { js: "import { createRequire as __ocCreateRequire } from 'node:module'; const require = __ocCreateRequire(import.meta.url);" };
// Whitespace and syntax are minified (parse time is startup time); names are kept for readable stack traces.
const common = { absWorkingDir: root, bundle: true, platform: "node", format: "esm", target: "node20", banner, logLevel: "warning", legalComments: "none", minifyWhitespace: true, minifySyntax: true, keepNames: false, sourcemap: false };

// 1. Generate validators from the TypeBox schemas.
await fs.mkdir(gen, { recursive: true });
const genScript = path.join(root, "build", "gen-validators.mjs");
await build({ ...common, entryPoints: [path.join(root, "scripts/gen-validators.ts")], outfile: genScript, packages: "external" });
const { generateValidators } = await import(pathToFileURL(genScript).href);
const generated = generateValidators();
for (const file of await fs.readdir(gen)) if (file.startsWith("protocol-validators")) await fs.rm(path.join(gen, file));
for (const [file, source] of Object.entries(generated.protocolModules)) await fs.writeFile(path.join(gen, file), source);
await fs.writeFile(path.join(gen, "config-validators.js"), generated.config);
await fs.writeFile(path.join(gen, "precompiled.js"), generated.precompiled);
await fs.writeFile(path.join(gen, "precompiled-config.js"), 'import * as config from "./config-validators.js";\nexport const configValidators = config;\n');

const { createHash } = await import("node:crypto");
await fs.writeFile(
  path.join(gen, "schema-fingerprint.js"),
  `export const configSchemaFingerprint = ${JSON.stringify(createHash("sha256").update(generated.configSchemaJson).digest("hex"))};\n`,
);

// 2. Bundle, swapping the empty precompiled and fingerprint modules for the generated ones.
const precompiledPlugin = {
  name: "precompiled-validators",
  setup(b) {
    b.onResolve({ filter: /\/(precompiled|precompiled-config|schema-fingerprint)\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}src${path.sep}`) ? { path: path.join(gen, path.basename(args.path)) } : undefined,
    );
  },
};
// Our modules get TypeBox's builders through src/protocol/typebox-builders.ts, so the bundles keep
// only the builders in use instead of all of TypeBox (see that file).
const typeboxBuilders = path.join(root, "src", "protocol", "typebox-builders.ts");
const typeboxPlugin = {
  name: "typebox-builders",
  setup(b) {
    b.onResolve({ filter: /^@sinclair\/typebox$/ }, (args) =>
      args.importer.startsWith(path.join(root, "src") + path.sep) && args.importer !== typeboxBuilders ? { path: typeboxBuilders } : undefined,
    );
  },
};
// `gateway run` imports the server from its own build (below): the CLI bundle keeps the import.
const SERVER_ENTRY = "chunks/gateway-server";
const serverImportPlugin = {
  name: "gateway-server",
  setup(b) {
    b.onResolve({ filter: /\/gateway\/run\.js$/ }, (args) =>
      args.importer === path.join(root, "src", "cli", "commands", "gateway.ts") ? { path: "./gateway-server.js", external: true } : undefined,
    );
  },
};
await fs.rm(out, { recursive: true, force: true });
const cli = await build({
  ...common,
  entryPoints: { openclaw: path.join(root, "src/cli/main.ts") },
  outdir: out,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [precompiledPlugin, serverImportPlugin, lazyBuiltins, typeboxPlugin],
  metafile: true,
});
const server = await build({
  ...common,
  entryPoints: { [SERVER_ENTRY]: path.join(root, "src/gateway/run.ts") },
  outdir: out,
  splitting: true,
  chunkNames: "chunks/server-[name]-[hash]",
  plugins: [precompiledPlugin, lazyBuiltins, typeboxPlugin],
  metafile: true,
});
// The server's startup path as one file (see scripts/merge-startup.mjs); no banner: the chunks carry theirs.
const { mergeStartupChunks } = await import("./merge-startup.mjs");
const { banner: _banner, ...withoutBanner } = common;
const merged = await mergeStartupChunks({ root, metafile: server.metafile, entry: `dist/${SERVER_ENTRY}.js`, esbuildOptions: withoutBanner });
// Which source modules each chunk holds (for startup-closure checks: test/startup-closure.e2e.test.ts).
const meta = { inputs: { ...cli.metafile.inputs, ...server.metafile.inputs }, outputs: { ...cli.metafile.outputs, ...merged.metafile.outputs } };
await fs.writeFile(path.join(root, "build", "meta.json"), JSON.stringify(meta));
// 3. The Control UI (Vite) into dist/control-ui, after the bundle step emptied dist/.
const { buildUi } = await import("./build-ui.mjs");
const uiLine = await buildUi();
console.log(`build: ${uiLine}`);
console.log(`build: ${generated.protocolIds.length} protocol validators (${Object.keys(generated.protocolModules).length} modules, the startup one loaded eagerly) + config validator precompiled; bundle in ${path.relative(root, out)}/ (${Math.round(performance.now() - t0)} ms)`);
