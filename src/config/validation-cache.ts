// Remembers that a resolved config passed validation, so a restart with the same config (and the
// same build) skips loading and running the full validator. Keyed by the exact resolved content
// and the schema fingerprint: any edit, include or env change means a full validation again.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { configSchemaFingerprint } from "./schema-fingerprint.js";

function cacheFile(configPath: string): string {
  const uid = process.getuid?.() ?? 0;
  const id = createHash("sha256").update(configPath).digest("hex").slice(0, 8);
  return path.join(os.tmpdir(), `openclaw-${uid}`, `config-valid.${id}.json`);
}

/** The cache key for a resolved config, or undefined when caching is off (no fingerprint). */
export function validationKey(resolved: unknown): string | undefined {
  if (!configSchemaFingerprint) return undefined;
  return createHash("sha256").update(configSchemaFingerprint).update("\0").update(JSON.stringify(resolved)).digest("hex");
}

export async function isKnownValid(configPath: string, key: string): Promise<boolean> {
  try {
    const data = JSON.parse(await fs.readFile(cacheFile(configPath), "utf8")) as { key?: string };
    return data.key === key;
  } catch {
    return false;
  }
}

export async function rememberValid(configPath: string, key: string): Promise<void> {
  const file = cacheFile(configPath);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ key }), { mode: 0o600 });
    await fs.rename(tmp, file);
  } catch {
    // A cache that cannot be written only costs the next start a full validation.
  }
}
