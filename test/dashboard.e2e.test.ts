// `openclaw dashboard` through the built CLI: the URL with the token fragment, basePath, the
// disabled case, and opening only with a display and without --no-open (a stand-in xdg-open on
// PATH records what it was asked to open).
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli-process.js";
import { localConfig, makeTempState, TEST_TOKEN, type TempState } from "./helpers/temp-state.js";
import { browserOpener, dashboardLink } from "../src/cli/commands/dashboard.js";

const states: TempState[] = [];
afterEach(async () => {
  while (states.length) await states.pop()!.cleanup();
});

async function state(gateway: Record<string, unknown> = {}) {
  const s = await makeTempState(localConfig({}, { port: 18999, ...gateway }));
  states.push(s);
  const bin = path.join(s.root, "bin");
  await fs.mkdir(bin);
  const marker = path.join(s.root, "opened.txt");
  await fs.writeFile(path.join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s' "$1" > '${marker}'\n`, { mode: 0o755 });
  return { s, env: { ...s.env, PATH: `${bin}:${process.env.PATH}` }, marker };
}

const exists = (f: string) => fs.access(f).then(() => true, () => false);

describe("openclaw dashboard", () => {
  it("prints the URL with the token fragment and does not open without a display", async () => {
    const { env, marker } = await state();
    const res = await runCli(["dashboard"], { ...env, DISPLAY: "", WAYLAND_DISPLAY: "" });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Dashboard URL: http://127.0.0.1:18999/#token=${TEST_TOKEN}`);
    expect(res.stdout).toContain("No display found");
    expect(await exists(marker)).toBe(false);
  });

  it("opens it with xdg-open when a display exists, never with --no-open", async () => {
    const { env, marker } = await state({ controlUi: { basePath: "/console" } });
    const noOpen = await runCli(["dashboard", "--no-open"], { ...env, DISPLAY: ":99" });
    expect(noOpen.stdout).toContain(`http://127.0.0.1:18999/console/#token=${TEST_TOKEN}`);
    expect(await exists(marker)).toBe(false);
    const res = await runCli(["dashboard", "--json"], { ...env, DISPLAY: ":99" });
    expect(JSON.parse(res.stdout)).toEqual({ url: "http://127.0.0.1:18999/console/", openUrl: `http://127.0.0.1:18999/console/#token=${TEST_TOKEN}`, tokenIncluded: true, oneTime: false, opened: true });
    for (let i = 0; i < 50 && !(await exists(marker)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await fs.readFile(marker, "utf8")).toBe(`http://127.0.0.1:18999/console/#token=${TEST_TOKEN}`);
  });

  it("refuses when the Control UI is disabled", async () => {
    const { env } = await state({ controlUi: { enabled: false } });
    const res = await runCli(["dashboard", "--no-open"], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("Control UI is disabled (gateway.controlUi.enabled=false)");
  });
});

describe("dashboard helpers", () => {
  it("never puts a remote gateway's token or a password in the link", () => {
    expect(dashboardLink({}, "127.0.0.1", 1, { token: "t", source: "config-remote" })).toMatchObject({ openUrl: "http://127.0.0.1:1/", tokenIncluded: false });
    expect(dashboardLink({}, "::1", 1, { password: "p", source: "config" })).toMatchObject({ openUrl: "http://[::1]:1/", tokenIncluded: false, note: expect.stringContaining("password") });
    expect(dashboardLink({}, "127.0.0.1", 1, { token: "a b&c", source: "env" }).openUrl).toBe("http://127.0.0.1:1/#token=a%20b%26c");
  });
  it("opens only where there is a display", () => {
    expect(browserOpener({}, "linux")).toBeUndefined();
    expect(browserOpener({ WAYLAND_DISPLAY: "wayland-0" }, "linux")).toBe("xdg-open");
    expect(browserOpener({}, "darwin")).toBe("open");
    expect(browserOpener({ DISPLAY: ":0" }, "win32")).toBeUndefined();
  });
});
