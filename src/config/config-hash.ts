// The config file's identity for optimistic concurrency (`baseHash`) and the write audit.
import { createHash } from "node:crypto";

/** sha256 hex of a config file's text (or bytes). */
export function hashConfigRaw(raw: string | Uint8Array): string {
  return createHash("sha256").update(raw).digest("hex");
}
