// Temp state dirs and config files for tests: real files, cleaned up after.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import net from "node:net";

export interface TempState {
  root: string;
  home: string;
  stateDir: string;
  configPath: string;
  logDir: string;
  env: NodeJS.ProcessEnv;
  writeConfig(config: unknown): Promise<void>;
  writeRaw(text: string, file?: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function makeTempState(config?: unknown): Promise<TempState> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "openclaw-test-"));
  const home = path.join(root, "home");
  const stateDir = path.join(home, ".openclaw");
  const logDir = path.join(root, "logs");
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  await fs.mkdir(logDir, { recursive: true });
  const configPath = path.join(stateDir, "openclaw.json");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_TEST_LOG_DIR: logDir,
    TMPDIR: root,
  };
  const state: TempState = {
    root,
    home,
    stateDir,
    configPath,
    logDir,
    env,
    async writeConfig(value) {
      // Keep test logs out of the shared /tmp/openclaw default.
      const v = value as Record<string, any>;
      if (v && typeof v === "object" && !Array.isArray(v) && !v.logging?.file) {
        value = { ...v, logging: { ...(v.logging ?? {}), file: path.join(logDir, "gateway.log") } };
      }
      await fs.writeFile(configPath, JSON.stringify(value, null, 2), { mode: 0o600 });
    },
    async writeRaw(text, file = configPath) {
      await fs.writeFile(file, text, { mode: 0o600 });
    },
    async cleanup() {
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  if (config !== undefined) await state.writeConfig(config);
  return state;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const TEST_TOKEN = "test-token-0123456789abcdef";

export function localConfig(extra: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}) {
  return {
    gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TEST_TOKEN }, ...gateway },
    logging: { level: "debug" },
    ...extra,
  };
}
