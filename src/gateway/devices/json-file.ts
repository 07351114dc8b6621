// Small JSON state files (paired devices, pending requests): atomic replace (tmp + fsync +
// rename), owner-only permissions, and one write at a time per file even when a write fails.
import fs from "node:fs/promises";
import path from "node:path";

/** Reads and parses a JSON file; undefined when it is missing or unreadable. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes `text` to `file` atomically: the file is either the old or the new content, mode 0600. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  const fh = await fs.open(tmp, "w", 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Serialises writes of one file; each write takes the snapshot it was given. */
export class SerialWriter {
  #chain: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  write(text: string): Promise<void> {
    // A failed write must not poison the ones queued after it.
    const next = this.#chain.catch(() => {}).then(() => writeFileAtomic(this.file, text));
    this.#chain = next;
    return next;
  }
}
