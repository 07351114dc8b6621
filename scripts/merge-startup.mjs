// Build step: folds the chunks an entry loads statically into the entry file itself. esbuild's
// code splitting makes one chunk per set of entry points (dynamic imports count) that reach a
// module, so the gateway server's startup path was ~25 small files, and on these machines each
// ESM module costs ~0.7 ms to resolve, read and link before the port can answer. The merged
// entry is bundled again from the split output; each folded chunk stays on disk as a one-line
// module re-exporting its bindings from the entry (live bindings), so the chunks loaded later
// (dynamic imports) share the entry's module instances.
import { build } from "esbuild";
import fs from "node:fs/promises";
import path from "node:path";

/**
 * @param {{ root: string; metafile: import("esbuild").Metafile; entry: string; esbuildOptions: object }} opts
 *   `entry` is the output path of the entry chunk as the metafile names it (e.g. `dist/chunks/gateway-server.js`).
 * @returns {Promise<{ metafile: import("esbuild").Metafile; folded: number }>} the metafile with the folded
 *   chunks' inputs moved to the entry (for startup-closure checks) and how many chunks were folded.
 */
export async function mergeStartupChunks({ root, metafile, entry, esbuildOptions }) {
  const outputs = metafile.outputs;
  if (!outputs[entry]) throw new Error(`merge-startup: ${entry} is not an output of this build`);
  // The static closure of the entry: what loads before the entry's code runs.
  const closure = new Set();
  const queue = [entry];
  while (queue.length > 0) {
    const cur = queue.pop();
    for (const imp of outputs[cur]?.imports ?? []) {
      if (imp.kind !== "import-statement" || imp.external || closure.has(imp.path)) continue;
      closure.add(imp.path);
      queue.push(imp.path);
    }
  }
  if (closure.size === 0) return { metafile, folded: 0 };
  const abs = (p) => path.join(root, p);
  const chunks = [...closure];
  const alias = new Map(chunks.map((c, i) => [c, `__s${i}`]));
  // One synthetic entry: the entry's exports plus every folded chunk's exports under unique names.
  const lines = [`export * from ${JSON.stringify(abs(entry))};`];
  for (const c of chunks) {
    const names = outputs[c].exports ?? [];
    if (names.length > 0) lines.push(`export { ${names.map((n) => `${n} as ${alias.get(c)}_${n}`).join(", ")} } from ${JSON.stringify(abs(c))};`);
    else lines.push(`import ${JSON.stringify(abs(c))};`);
  }
  const outDir = path.dirname(abs(entry));
  const keep = new Set([abs(entry), ...chunks.map(abs)]);
  // Everything else in dist (the chunks loaded later) stays a separate file, imported by its relative path.
  const externalChunks = {
    name: "external-chunks",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        if (keep.has(target) || !target.startsWith(outDir + path.sep)) return undefined;
        return { path: `./${path.relative(outDir, target).split(path.sep).join("/")}`, external: true };
      });
    },
  };
  const result = await build({
    ...esbuildOptions,
    stdin: { contents: lines.join("\n"), resolveDir: outDir, sourcefile: "startup-entry.js", loader: "js" },
    bundle: true,
    splitting: false,
    write: false,
    outfile: abs(entry),
    plugins: [externalChunks],
    metafile: false,
  });
  const merged = result.outputFiles.find((f) => f.path === abs(entry));
  if (!merged) throw new Error(`merge-startup: esbuild wrote no ${entry}`);
  await fs.writeFile(abs(entry), merged.contents);
  const entryFile = `./${path.basename(entry)}`;
  for (const c of chunks) {
    const names = outputs[c].exports ?? [];
    const stub = names.length > 0 ? `export { ${names.map((n) => `${alias.get(c)}_${n} as ${n}`).join(", ")} } from ${JSON.stringify(entryFile)};\n` : `import ${JSON.stringify(entryFile)};\n`;
    await fs.writeFile(abs(c), stub);
  }
  const next = { inputs: metafile.inputs, outputs: { ...outputs } };
  next.outputs[entry] = { ...outputs[entry], inputs: Object.assign({}, outputs[entry].inputs, ...chunks.map((c) => outputs[c].inputs)), imports: [] };
  for (const c of chunks) next.outputs[c] = { ...outputs[c], inputs: {}, imports: [{ path: entry, kind: "import-statement" }] };
  return { metafile: next, folded: chunks.length };
}
