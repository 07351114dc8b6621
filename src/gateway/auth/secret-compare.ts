// Constant-time secret comparison: hash both sides first so length differences leak nothing.
import { createHash, timingSafeEqual } from "node:crypto";

export function safeEqualSecret(provided: string | undefined, expected: string | undefined): boolean {
  if (typeof provided !== "string" || typeof expected !== "string" || expected.length === 0) return false;
  const a = createHash("sha256").update(provided, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
