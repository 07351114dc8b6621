// File helpers the fs tools share: atomic replace-by-rename and a cheap binary sniff.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

const SNIFF_BYTES = 8192;

/**
 * True when a sample looks like binary data: any NUL byte, or mostly control characters.
 * UTF-8 text (any script) passes; UTF-16 files are refused, which is acceptable for an agent.
 */
export function looksBinary(sample: Uint8Array): boolean {
  if (sample.length === 0) return false;
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12 && byte !== 27) control++;
  }
  return control / sample.length > 0.1;
}

/** Reads the first bytes of a file for `looksBinary`. */
export async function sniffFile(file: string): Promise<Uint8Array> {
  const handle = await fs.open(file, "r");
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `data` so readers see the old or the new content, never a torn write:
 * a temp file beside it (same filesystem), fsync, then rename. Keeps an existing file's mode.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const mode = await fs.stat(file).then((s) => s.mode & 0o7777, () => undefined);
  const handle = await fs.open(tmp, "wx", mode ?? 0o666);
  try {
    try {
      await handle.writeFile(data, "utf8");
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
