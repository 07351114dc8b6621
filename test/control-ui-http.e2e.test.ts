// The Control UI over HTTP: served at the base path with a strict CSP and the bootstrap JSON,
// hashed assets cached immutably, the HTML fallback only for navigations, never shadowing the
// probes, /v1, hooks or /tools/invoke, and switched off by gateway.controlUi.enabled=false.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig } from "./helpers/temp-state.js";
import { findBundledUiRoot } from "../src/gateway/http/control-ui.js";
import { isReservedPath, normalizeControlUiBasePath, pathUnderBase } from "../src/gateway/http/control-ui-paths.js";

let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const NAV = { accept: "text/html,application/xhtml+xml", "sec-fetch-mode": "navigate" };

/** fetch() would rewrite sec-fetch-mode to "cors"; a browser navigation needs the raw header. */
function navigate(url: string, headers: Record<string, string> = NAV, method = "GET"): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http.request(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c) => (text += c)).on("end", () => resolve({ status: res.statusCode!, text, headers: res.headers }));
    }).on("error", reject).end();
  });
}
let asset: string;

beforeAll(() => {
  const root = findBundledUiRoot();
  if (!root) throw new Error("dist/control-ui is missing: run `npm run build` first");
  asset = fs.readdirSync(path.join(root, "assets")).find((f) => f.endsWith(".js"))!;
});

describe("control UI paths", () => {
  it("normalises the base path and reserves the other families", () => {
    expect(normalizeControlUiBasePath("/")).toBe("");
    expect(normalizeControlUiBasePath(undefined)).toBe("");
    expect(normalizeControlUiBasePath(" /ui/ ")).toBe("/ui");
    expect(pathUnderBase("/uix", "/ui")).toBeNull();
    expect(pathUnderBase("/ui", "/ui")).toBe("/");
    expect(pathUnderBase("/ui/chat", "/ui")).toBe("/chat");
    for (const p of ["/health", "/healthz", "/ready", "/readyz", "/v1", "/v1/models", "/hooks/wake", "/tools/invoke", "/sessions/abc/kill", "/sessions/abc/history"]) {
      expect(isReservedPath(p), p).toBe(true);
    }
    expect(isReservedPath("/in/x", "/in")).toBe(true);
    for (const p of ["/", "/chat", "/sessions", "/assets/x.js", "/__openclaw/control-ui-config.json"]) expect(isReservedPath(p), p).toBe(false);
  });
});

describe("control UI over HTTP", () => {
  it("serves the app at root with a strict CSP, the bootstrap JSON, and immutable hashed assets", async () => {
    gw = await startGateway(localConfig());
    const res = await fetch(`${gw.httpUrl}/`, { headers: NAV });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy")!;
    const host = new URL(gw.httpUrl).host;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\//);
    const html = await res.text();
    expect(html).toContain('<base href="/" />');
    expect(html).not.toMatch(/<script>(?!<\/script>)|https?:\/\//);

    const boot = await fetch(`${gw.httpUrl}/__openclaw/control-ui-config.json`);
    expect(boot.status).toBe(200);
    expect(boot.headers.get("cache-control")).toBe("no-store");
    expect(await boot.json()).toEqual({
      basePath: "", assistantName: "OpenClaw", assistantAvatar: null, assistantAgentId: "main", serverVersion: gw.gateway.version,
      localMediaPreviewRoots: [], embedSandbox: "strict", allowExternalEmbedUrls: false,
    });

    const js = await fetch(`${gw.httpUrl}/assets/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("falls back to the app only for HTML navigations; files, traversal and other methods stay 404", async () => {
    gw = await startGateway(localConfig());
    const deep = await navigate(`${gw.httpUrl}/chat`);
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<base href="/" />');
    expect((await navigate(`${gw.httpUrl}/sessions`)).status).toBe(200);
    expect((await navigate(`${gw.httpUrl}/chat`, { accept: "application/json" })).status).toBe(404);
    expect((await navigate(`${gw.httpUrl}/chat`, { accept: "text/html", "sec-fetch-mode": "cors" })).status).toBe(404);
    expect((await navigate(`${gw.httpUrl}/assets/missing-123.js`)).status).toBe(404);
    expect((await navigate(`${gw.httpUrl}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await navigate(`${gw.httpUrl}/assets/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    expect((await navigate(`${gw.httpUrl}/`, NAV, "POST")).status).toBe(404);
  });

  it("never shadows the probes, /v1, hooks or /tools/invoke", async () => {
    gw = await startGateway(localConfig());
    const health = await fetch(`${gw.httpUrl}/health`, { headers: NAV });
    expect(await health.json()).toEqual({ ok: true, status: "live" });
    expect((await fetch(`${gw.httpUrl}/readyz`, { headers: NAV })).headers.get("content-type")).toContain("application/json");
    const v1 = await fetch(`${gw.httpUrl}/v1/models`, { headers: NAV });
    expect(v1.headers.get("content-type")).toContain("application/json");
    expect((await fetch(`${gw.httpUrl}/hooks/wake`, { headers: NAV })).status).toBe(404);
    expect(await (await fetch(`${gw.httpUrl}/hooks/wake`, { headers: NAV })).text()).toBe("Not Found");
    expect((await fetch(`${gw.httpUrl}/tools/invoke`, { headers: NAV })).headers.get("content-type")).not.toContain("text/html");
  });

  it("honours basePath and enabled=false", async () => {
    gw = await startGateway(localConfig({}, { controlUi: { basePath: "/console/" } }));
    expect((await fetch(`${gw.httpUrl}/`, { headers: NAV })).status).toBe(404);
    const page = await navigate(`${gw.httpUrl}/console/devices`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<base href="/console/" />');
    expect(((await (await fetch(`${gw.httpUrl}/console/__openclaw/control-ui-config.json`)).json()) as { basePath: string }).basePath).toBe("/console");
    expect((await fetch(`${gw.httpUrl}/console/assets/${asset}`)).status).toBe(200);
    await gw.stop();

    gw = await startGateway(localConfig({}, { controlUi: { enabled: false } }));
    expect((await fetch(`${gw.httpUrl}/`, { headers: NAV })).status).toBe(404);
    expect((await fetch(`${gw.httpUrl}/__openclaw/control-ui-config.json`)).status).toBe(404);
    expect((await fetch(`${gw.httpUrl}/health`)).status).toBe(200);
  });
});
