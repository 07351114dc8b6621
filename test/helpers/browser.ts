// Debian's Chromium, headless, driven by playwright-core: a fresh profile per launch, no network
// beyond what the page asks for (the tests only ever load loopback URLs).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), "oc-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}

export const ARTIFACTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", "test-artifacts");
