// Heap sizing for the long-running gateway process. V8's default lets the old generation grow to
// up to ~4x what survived the last full GC before it collects again: under agent load (about
// 18 MB live) the heap then settled near 100 MB of mostly garbage and RSS rose by ~80 MB, while
// the live heap stayed flat. A growing factor of 1.25 keeps the heap within a few MB of what is
// live, for a few more (incremental, mostly concurrent) full GCs. A `--heap-growing-percent` the
// operator passes to node wins (Node refuses it in NODE_OPTIONS; checked there too, harmlessly).
import { PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";

export const HEAP_GROWING_PERCENT = 25;

/** Applies the gateway's heap growing factor unless one was given; true when it applied it. */
export function tuneHeap(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): boolean {
  const given = [...execArgv, nodeOptions].some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (given) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

/** The young generation (V8's new space: two semi-spaces) the gateway lets V8 grow to. */
export const MAX_NEW_SPACE_BYTES = 16 * 1024 * 1024;
const V8_DEFAULT_GROWTH_FACTOR = 2;

export interface YoungGenerationCapOptions {
  maxBytes?: number;
  execArgv?: readonly string[];
  nodeOptions?: string;
  /** Test seams: where the new space's size comes from and where the flag goes. */
  newSpaceSize?: () => number;
  setFlags?: (flags: string) => void;
}

export interface YoungGenerationCap {
  /** Re-evaluates after a GC (the observer calls it; tests may too). */
  check(): void;
  /** Stops watching and lets V8 grow the new space as it likes again. */
  stop(): void;
}

/**
 * Caps V8's young generation at `maxBytes`. Node's default lets it grow to 2 x 16 MB under
 * sustained load, a one-time step of ~30 MB of RSS that never comes back, and Node takes
 * `--max-semi-space-size` only on its command line. V8 reads `--semi-space-growth-factor` each
 * time it grows the new space, so after every GC this sets the factor to 1 (no growth) once the
 * new space has reached the cap, and back to V8's 2 if V8 has shrunk it since. Returns undefined
 * when the operator gave a semi-space flag to node: theirs wins.
 */
export function capYoungGeneration(opts: YoungGenerationCapOptions = {}): YoungGenerationCap | undefined {
  const given = [...(opts.execArgv ?? process.execArgv), opts.nodeOptions ?? process.env.NODE_OPTIONS ?? ""].some((a) => /semi[-_]space/.test(a));
  if (given) return undefined;
  const maxBytes = opts.maxBytes ?? MAX_NEW_SPACE_BYTES;
  const newSpaceSize = opts.newSpaceSize ?? (() => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0);
  const setFlags = opts.setFlags ?? ((flags: string) => v8.setFlagsFromString(flags));
  let factor = V8_DEFAULT_GROWTH_FACTOR;
  const apply = (next: number) => {
    if (next === factor) return;
    factor = next;
    setFlags(`--semi-space-growth-factor=${next}`);
  };
  const check = () => apply(newSpaceSize() >= maxBytes ? 1 : V8_DEFAULT_GROWTH_FACTOR);
  const observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ["gc"] });
  check();
  return {
    check,
    stop() {
      observer.disconnect();
      apply(V8_DEFAULT_GROWTH_FACTOR);
    },
  };
}
