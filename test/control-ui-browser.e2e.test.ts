// The Control UI in a real browser (Debian Chromium, headless, via playwright-core) against a real
// gateway and the fake provider: load, connect with the token from the URL fragment, silent local
// pairing, a streamed chat reply, an abort, tool calls collapsed, an inline error with its kind, a
// live log line, the config editor's validation and conflict path, approving a device that asks
// from "elsewhere", and the 360 px layout. One screenshot per view goes to test-artifacts/.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { DeviceIdentity, generateIdentity } from "../src/client/device-identity.js";
import { agentConfig, startAgentHarness, type AgentHarness } from "./helpers/agent-setup.js";
import { ARTIFACTS, launchBrowser, type Browser } from "./helpers/browser.js";
import { TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, openProbe } from "./helpers/ws-probe.js";

let h: AgentHarness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  h = await startAgentHarness({
    stateConfig: (fakeUrl, ws) => {
      const cfg = agentConfig(fakeUrl, ws) as { gateway: Record<string, unknown> };
      // Lets a Node client pose as remote (X-Forwarded-For) so it needs an operator's approval.
      cfg.gateway.trustedProxies = ["127.0.0.1"];
      return cfg;
    },
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => pageErrors.push(e.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function open(view: string) {
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: view, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: view }).waitFor();
}

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `control-ui-${name}.png`), fullPage: true });

describe("control UI in Chromium", () => {
  it("loads, connects with the fragment token, removes it from the address bar and pairs silently", async () => {
    const rssBefore = process.memoryUsage().rss;
    await page.goto(`${h.gw.httpUrl}/#token=${TEST_TOKEN}`);
    await page.locator('.conn[data-state="connected"]').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).hash).toBe("");
    await page.getByTestId("health").waitFor();
    expect(await page.getByTestId("health").innerText()).toBe("ok");
    const paired = await h.gw.gateway.devices.list();
    expect(paired.map((d) => d.clientId)).toEqual(["openclaw-control-ui"]);
    // Generous in-process bound (the test process also hosts vitest); bench/ui.mjs measures precisely.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    await shot("overview");
  });

  it("sends a chat message and streams the fake provider's reply", async () => {
    h.fake.script({ text: "Streaming reply from the fake provider, in pieces.", deltas: 6, delayMs: 200 });
    await open("Chat");
    await page.getByLabel("Message").fill("Hello UI");
    await page.getByLabel("Message").press("Enter");
    // A partial text while the run is still streaming, then the full reply in the history.
    await page.waitForFunction(() => {
      const live = (globalThis as any).document.querySelector('[data-testid="live"]');
      const text = live?.querySelector(".text")?.textContent ?? "";
      return live?.getAttribute("data-state") === "streaming" && text.length > 0 && text !== "Streaming reply from the fake provider, in pieces.";
    }, undefined, { timeout: 20_000 });
    await page.locator('.msg[data-role="assistant"]', { hasText: "Streaming reply from the fake provider, in pieces." }).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="live"]').waitFor({ state: "detached" });
    expect(await page.locator('.msg[data-role="user"]').last().innerText()).toContain("Hello UI");
    await shot("chat");
  });

  it("aborts a running reply", async () => {
    h.fake.script({ text: "This reply is long and slow so that it can be aborted halfway through.", deltas: 30, delayMs: 300 });
    await page.getByLabel("Message").fill("Please go slowly");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForFunction(() => ((globalThis as any).document.querySelector('[data-testid="live"] .text')?.textContent ?? "").length > 0, undefined, { timeout: 20_000 });
    await page.getByRole("button", { name: "Abort" }).click();
    await page.getByTestId("aborted").waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="live"]').getAttribute("data-state")).toBe("aborted");
  });

  it("shows tool calls collapsed and a failed run inline with its kind", async () => {
    h.fake.script({ toolCalls: [{ name: "ls", arguments: { path: "." } }] }, { text: "Listed the workspace." });
    await page.getByLabel("Message").fill("list files");
    await page.getByLabel("Message").press("Enter");
    await page.locator('.msg[data-role="assistant"]', { hasText: "Listed the workspace." }).waitFor({ timeout: 20_000 });
    const call = page.locator("details.tool", { hasText: "Tool call: ls" }).last();
    await call.waitFor();
    expect(await call.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);

    h.fake.script({ status: 400, errorMessage: "fake provider refused the request" });
    await page.getByLabel("Message").fill("this one fails");
    await page.getByLabel("Message").press("Enter");
    const err = page.getByTestId("run-error");
    await err.waitFor({ timeout: 20_000 });
    expect(await err.innerText()).toMatch(/^\w+: .+/);
  });

  it("tails the log live, filters, pauses and resumes", async () => {
    await open("Logs");
    const lines = page.getByTestId("log-lines");
    h.gw.gateway.logger.warn("ui-live-marker-one");
    await lines.getByText("ui-live-marker-one").waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Pause" }).click();
    h.gw.gateway.logger.warn("ui-live-marker-paused");
    await page.waitForTimeout(2500);
    expect(await lines.getByText("ui-live-marker-paused").count()).toBe(0);
    await page.getByRole("button", { name: "Resume" }).click();
    await lines.getByText("ui-live-marker-paused").waitFor({ timeout: 20_000 });
    await page.getByLabel("Level").selectOption("error");
    expect(await lines.getByText("ui-live-marker-one").count()).toBe(0);
    await page.getByLabel("Level").selectOption("debug");
    await page.getByRole("searchbox", { name: "Search" }).fill("marker-one");
    expect(await lines.getByText("ui-live-marker-paused").count()).toBe(0);
    expect(await lines.getByText("ui-live-marker-one").count()).toBe(1);
    await shot("logs");
  });

  it("validates config as you type, shows a diff, refuses a stale save with a clear conflict message, then saves", { timeout: 90_000 }, async () => {
    await open("Config");
    const editor = page.getByLabel("openclaw.json (JSON5)");
    await page.getByTestId("config-check").getByText("Valid").waitFor();
    const original = await editor.inputValue();
    expect(original).toContain('"level": "debug"');

    await editor.fill(original.replace('"level": "debug"', '"level": "loud"'));
    await page.getByTestId("config-check").getByText("logging.level").waitFor();
    await editor.fill(original.replace('"level": "debug"', "level: 'info' /* JSON5 */"));
    await page.getByTestId("config-check").getByText("Valid (unsaved changes)").waitFor();
    await editor.fill(`${original.slice(0, -3)} nope`);
    await page.getByTestId("config-check").getByText("Syntax:").waitFor();

    const edited = original.replace('"level": "debug"', '"level": "info"');
    await editor.fill(edited);
    await page.getByRole("button", { name: "Review changes" }).click();
    expect(await page.getByTestId("diff").innerText()).toMatch(/-\s+"level": "debug"[\s\S]*\+\s+"level": "info"/);

    // Someone else edits the file in between.
    const file = h.gw.state.configPath;
    const onDisk = JSON.parse(await fs.readFile(file, "utf8"));
    onDisk.logging.consoleLevel = "warn";
    await fs.writeFile(file, JSON.stringify(onDisk, null, 2));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("conflict").waitFor();
    expect(await page.getByTestId("conflict").innerText()).toContain("changed on disk");
    expect(await editor.inputValue()).toBe(edited);
    expect(JSON.parse(await fs.readFile(file, "utf8")).logging.level).toBe("debug");
    await shot("config-conflict");

    await page.getByRole("button", { name: "Reload current file (discard my edits)" }).click();
    await page.getByTestId("conflict").waitFor({ state: "detached" });
    const fresh = await editor.inputValue();
    expect(fresh).toContain("consoleLevel");
    await editor.fill(fresh.replace(/"level": "debug"/, '"level": "info"'));
    await page.getByRole("button", { name: "Review changes" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("saved").waitFor();
    const saved = JSON.parse(await fs.readFile(file, "utf8"));
    expect(saved.logging).toMatchObject({ level: "info", consoleLevel: "warn" });

    // The form for common keys: choices come from the gateway's schema; it edits the text for review.
    await page.getByText("Common settings").click();
    const level = page.getByLabel("logging.level", { exact: true });
    expect(await level.locator("option").allInnerTexts()).toEqual(["(not set)", "silent", "fatal", "error", "warn", "info", "debug", "trace"]);
    await level.selectOption("warn");
    await page.getByRole("button", { name: "Apply to editor" }).click();
    expect(await editor.inputValue()).toContain('"level": "warn"');
    await page.getByRole("button", { name: "Review changes" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("saved").waitFor();
    expect(JSON.parse(await fs.readFile(file, "utf8")).logging.level).toBe("warn");
    await shot("config");
  });

  it("approves a pending device that connected from elsewhere", async () => {
    await open("Devices");
    await page.getByTestId("no-pending").waitFor();
    const dev = new DeviceIdentity(generateIdentity());
    const connectAsRemote = async () => {
      const probe = await openProbe(h.gw.url, { "X-Forwarded-For": "203.0.113.9" });
      const nonce = (await probe.challenge).payload.nonce;
      const params = connectParams({ client: { id: "cli", version: "1", platform: "linux", mode: "cli", displayName: "remote laptop" }, auth: { token: TEST_TOKEN }, scopes: ["operator.read"] });
      params.device = dev.signConnect(params as never, nonce);
      const res = await probe.request("connect", params, "c1");
      probe.close();
      return res;
    };
    const refused = await connectAsRemote();
    expect(refused.error.details.code).toBe("PAIRING_REQUIRED");
    const item = page.getByTestId("pending").locator("li", { hasText: "remote laptop" });
    await item.waitFor({ timeout: 20_000 });
    await shot("devices");
    await item.getByRole("button", { name: "Approve" }).click();
    await page.getByText(`Approved ${refused.error.details.requestId}.`).waitFor();
    await page.getByTestId("paired").locator("li", { hasText: "remote laptop" }).waitFor();
    await page.getByTestId("paired").locator("li", { hasText: "(this browser)" }).waitFor();
    expect((await connectAsRemote()).ok).toBe(true);
  });

  it("reconnects by itself after the gateway restarts", async () => {
    const connId = () => page.evaluate(() => (globalThis as any).document.querySelector("oc-app").conn.hello?.server.connId as string | undefined);
    const before = await connId();
    await h.gw.gateway.restart("control UI test");
    await page.waitForFunction((old) => {
      const conn = (globalThis as any).document.querySelector("oc-app").conn;
      return conn.state === "connected" && conn.hello?.server.connId !== old;
    }, before, { timeout: 30_000 });
    await open("Overview");
    await page.getByTestId("health").waitFor();
  });

  it("without a token says so, and the Settings field connects it", async () => {
    const other = await launchBrowser({ width: 800, height: 700 });
    try {
      const p = await other.context.newPage();
      await p.goto(`${h.gw.httpUrl}/`);
      await p.locator('.conn[data-state="failed"]').waitFor({ timeout: 20_000 });
      await p.getByRole("link", { name: "Open Settings to enter the gateway token" }).click();
      await p.getByLabel("Gateway token").fill(TEST_TOKEN);
      await p.getByRole("button", { name: "Save and reconnect" }).click();
      await p.locator('.conn[data-state="connected"]').waitFor({ timeout: 20_000 });
      await p.screenshot({ path: path.join(ARTIFACTS, "control-ui-settings.png"), fullPage: true });
    } finally {
      await other.close();
    }
  });

  it("shows sessions and channels, and fits a 360 px wide screen", async () => {
    page.on("dialog", (d) => void d.accept());
    await open("Sessions");
    const row = page.getByTestId("sessions").locator("li", { hasText: "agent:main:main" }).first();
    await row.waitFor();
    await row.getByRole("button", { name: "Preview" }).click();
    await row.locator("ol.preview li").first().waitFor();
    expect(await row.locator("ol.preview").innerText()).toContain("list files");
    await shot("sessions");
    await page.getByRole("searchbox", { name: "Search" }).fill("no-such-session");
    await page.getByText("No sessions.").waitFor();
    await page.getByRole("searchbox", { name: "Search" }).fill("");
    await row.getByRole("button", { name: "Compact" }).click();
    await page.getByText("Done (compact: agent:main:main).").waitFor({ timeout: 30_000 });
    await row.getByRole("button", { name: "Reset" }).click();
    await page.getByText("Done (reset: agent:main:main).").waitFor();
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByText("Done (delete: agent:main:main).").waitFor();
    await page.getByText("No sessions.").waitFor();
    await open("Channels");
    await page.getByTestId("no-channels").waitFor();
    await shot("channels");
    await page.setViewportSize({ width: 360, height: 740 });
    for (const view of ["Chat", "Overview", "Config", "Devices", "Logs"]) {
      await open(view);
      const overflow = await page.evaluate(() => { const el = (globalThis as any).document.documentElement; return el.scrollWidth - el.clientWidth; });
      expect(overflow, view).toBeLessThanOrEqual(0);
    }
    await open("Chat");
    await shot("chat-360");
    // Keyboard: the tab links and the composer are reachable and usable without a mouse.
    await page.getByRole("link", { name: "Overview" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
