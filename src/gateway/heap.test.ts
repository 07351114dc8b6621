import { describe, expect, it } from "vitest";
import { tuneHeap } from "./heap.js";

describe("tuneHeap", () => {
  it("leaves a growing factor the operator gave alone", () => {
    expect(tuneHeap(["--heap-growing-percent=50"], "")).toBe(false);
    expect(tuneHeap([], "--max-old-space-size=512 --heap_growing_percent=10")).toBe(false);
  });
  it("applies its own otherwise", () => {
    expect(tuneHeap([], "--max-old-space-size=512")).toBe(true);
  });
});
