import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { capYoungGeneration, tuneHeap } from "./heap.js";

const here = path.dirname(fileURLToPath(import.meta.url));

describe("tuneHeap", () => {
  it("leaves a growing factor the operator gave alone", () => {
    expect(tuneHeap(["--heap-growing-percent=50"], "")).toBe(false);
    expect(tuneHeap([], "--max-old-space-size=512 --heap_growing_percent=10")).toBe(false);
  });
  it("applies its own otherwise", () => {
    expect(tuneHeap([], "--max-old-space-size=512")).toBe(true);
  });
});

describe("capYoungGeneration", () => {
  it("stops the new space's growth at the cap and allows it again below", () => {
    let size = 1 << 20;
    const flags: string[] = [];
    const cap = capYoungGeneration({ maxBytes: 16 << 20, execArgv: [], nodeOptions: "", newSpaceSize: () => size, setFlags: (f) => flags.push(f) })!;
    expect(flags).toEqual([]);
    size = 8 << 20;
    cap.check();
    expect(flags).toEqual([]);
    size = 16 << 20;
    cap.check();
    cap.check();
    expect(flags).toEqual(["--semi-space-growth-factor=1"]);
    size = 2 << 20; // V8 shrank it after an idle period
    cap.check();
    expect(flags).toEqual(["--semi-space-growth-factor=1", "--semi-space-growth-factor=2"]);
    size = 32 << 20;
    cap.check();
    cap.stop();
    expect(flags.slice(-2)).toEqual(["--semi-space-growth-factor=1", "--semi-space-growth-factor=2"]);
  });

  it("leaves a semi-space size the operator gave alone", () => {
    expect(capYoungGeneration({ execArgv: ["--max-semi-space-size=32"], nodeOptions: "" })).toBeUndefined();
    expect(capYoungGeneration({ execArgv: [], nodeOptions: "--max_semi_space_size=4" })).toBeUndefined();
  });

  it("keeps a real V8 new space at the cap in a fresh process, where V8 alone grows it past", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "oc-heap-"));
    try {
      await build({ entryPoints: [path.join(here, "heap.ts")], outfile: path.join(dir, "heap.mjs"), bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "silent" });
      // Allocation with survivors, in small bursts with event-loop turns between them, as in the
      // gateway (one long synchronous burst can grow the new space before any observer runs).
      const script = `
        import v8 from "node:v8";
        import { capYoungGeneration } from "./heap.mjs";
        if (process.argv[2] === "cap") capYoungGeneration({ maxBytes: 4 << 20, execArgv: [], nodeOptions: "" });
        const keep = [];
        for (let round = 0; round < 600; round++) {
          for (let i = 0; i < 5000; i++) { keep.push({ i, s: "x" + i, a: [i, i] }); if (keep.length > 20000) keep.length = 0; }
          await new Promise((r) => setImmediate(r));
        }
        console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size);
      `;
      await writeFile(path.join(dir, "alloc.mjs"), script);
      const run = (mode: string) => Number(execFileSync(process.execPath, [path.join(dir, "alloc.mjs"), mode], { encoding: "utf8" }).trim());
      const uncapped = run("none");
      const capped = run("cap");
      expect(uncapped).toBeGreaterThan(8 << 20);
      // At most one doubling past the cap can slip in before the observer hears of a GC.
      expect(capped).toBeLessThanOrEqual(8 << 20);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
