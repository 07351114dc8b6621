// A config write can never truncate the file: a writer process is killed with SIGKILL at random
// moments, 50 times, and the file is always a complete old or new version (and so is `.bak`).
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempState, type TempState } from "./helpers/temp-state.js";

let state: TempState;
let script: string;

beforeAll(async () => {
  state = await makeTempState();
  // The real writer, bundled into a script that writes numbered versions in a loop.
  const entry = path.join(state.root, "writer-entry.ts");
  await fs.writeFile(
    entry,
    `import { writeConfigFile } from ${JSON.stringify(path.resolve("src/config/write.ts"))};
const [configPath, stateDir, start] = process.argv.slice(2);
const filler = "x".repeat(64 * 1024);
for (let i = Number(start); ; i++) {
  await writeConfigFile({ configPath, stateDir, source: "crash-test", config: { gateway: { mode: "local" }, version: i, filler, check: i * 7 } });
  if (i === Number(start)) process.stdout.write("first\\n");
}
`,
  );
  script = path.join(state.root, "writer.mjs");
  await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", outfile: script, logLevel: "silent" });
});

afterAll(async () => {
  await state.cleanup();
});

function check(text: string) {
  const v = JSON.parse(text);
  expect(v.filler.length).toBe(64 * 1024);
  expect(v.check).toBe(v.version * 7);
  return v.version as number;
}

describe("config writes under SIGKILL", () => {
  it("always leave the old or the new version, 50 times", async () => {
    let start = 0;
    let last = -1;
    for (let round = 0; round < 50; round++) {
      const child = spawn(process.execPath, [script, state.configPath, state.stateDir, String(start)], { stdio: ["ignore", "pipe", "pipe"] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.once("data", () => resolve());
        child.once("exit", (code) => reject(new Error(`writer exited early (${code})`)));
      });
      // Somewhere inside a later write: each takes a few ms (64 KiB, fsync, rename, audit line).
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 25));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const version = check(await fs.readFile(state.configPath, "utf8"));
      expect(version).toBeGreaterThanOrEqual(Math.max(last, start));
      // The backup appears with the second write ever made; from then on it is always whole.
      const bak = await fs.readFile(`${state.configPath}.bak`, "utf8").catch(() => (round === 0 ? null : ""));
      if (bak !== null) check(bak);
      last = version;
      start = version + 1;
    }
    // Temp files of the killed writers are removed by the next write, so none pile up.
    const leftovers = (await fs.readdir(path.dirname(state.configPath))).filter((n) => n.endsWith(".tmp"));
    expect(leftovers.length).toBeLessThanOrEqual(2);
  }, 120_000);
});
