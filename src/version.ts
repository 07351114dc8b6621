// The runtime version string, read once from package.json next to the build output.
import { readFileSync } from "node:fs";

function readVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "openclaw-gateway" && pkg.version) return pkg.version;
    } catch {
      // try the next location (src/ under vitest, dist/ when built)
    }
  }
  return "0.0.0";
}

export const VERSION = readVersion();
