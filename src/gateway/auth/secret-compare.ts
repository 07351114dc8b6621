// Constant-time secret comparison: hash both sides first so length differences leak nothing.
import { createHash, timingSafeEqual } from "node:crypto";

export function safeEqualSecret(provided: string | undefined, expected: string | undefined): boolean {
  if (typeof provided !== "string" || typeof expected !== "string" || expected.length === 0) return false;
  const a = createHash("sha256").update(provided, "utf8").digest();
  return timingSafeEqual(a, expectedDigest(expected));
}

// The configured secret is the same on every request: hash it once (one entry; a pure cache).
let lastExpected: string | undefined;
let lastDigest: Buffer = Buffer.alloc(0);

function expectedDigest(expected: string): Buffer {
  if (expected !== lastExpected) {
    lastDigest = createHash("sha256").update(expected, "utf8").digest();
    lastExpected = expected;
  }
  return lastDigest;
}
