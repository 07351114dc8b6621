// Where the gateway writes its file log, as the CLI can tell from the config alone.
// rolling-file.ts owns the same rule but imports pino, which the CLI status paths must not load.
import path from "node:path";
import { getAtPath } from "../config/dotpath.js";

const DEFAULT_LOG_DIR = "/tmp/openclaw";

/** `logging.file` when set, else the daily `/tmp/openclaw/openclaw-YYYY-MM-DD.log` (local date). */
export function resolveCliLogFile(config: unknown, date: Date = new Date()): string {
  const configured = getAtPath(config, "logging.file");
  if (typeof configured === "string" && configured.trim() !== "") return path.resolve(configured);
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return path.join(DEFAULT_LOG_DIR, `openclaw-${y}-${m}-${d}.log`);
}
