// HTTP on the shared port: probes exactly as captured, 404/405, security headers, limits.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startGateway(localConfig());
});
afterAll(async () => {
  await gw.stop();
});

describe("probes", () => {
  it.each(["/health", "/healthz"])("GET %s is live with no auth", async (p) => {
    const res = await fetch(gw.httpUrl + p);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe('{"ok":true,"status":"live"}');
  });

  it.each(["/ready", "/readyz"])("GET %s is ready with details for a local caller", async (p) => {
    const res = await fetch(gw.httpUrl + p);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ready: true, failing: [], uptimeMs: expect.any(Number), eventLoop: { degraded: false } });
  });

  it("HEAD works and other methods get 405 with Allow", async () => {
    expect((await fetch(gw.httpUrl + "/health", { method: "HEAD" })).status).toBe(200);
    const res = await fetch(gw.httpUrl + "/health", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(await res.text()).toBe("Method Not Allowed");
  });

  it("security headers are on every response", async () => {
    const res = await fetch(gw.httpUrl + "/health", { headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("permissions-policy")).toBe("camera=(), microphone=(), geolocation=()");
  });
});

describe("unmatched and malformed", () => {
  it("unknown paths are 404 text/plain Not Found", async () => {
    const res = await fetch(gw.httpUrl + "/no/such/path");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe("Not Found");
  });

  it("oversized headers are refused with 431 and the gateway keeps serving", async () => {
    const res = await new Promise<string>((resolve) => {
      const s = net.connect(gw.gateway.port, "127.0.0.1", () => {
        s.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
      });
      let buf = "";
      s.on("data", (d) => (buf += d));
      s.on("close", () => resolve(buf));
      s.on("error", () => resolve(buf));
    });
    expect(res).toMatch(/^HTTP\/1\.1 431/);
    expect((await fetch(gw.httpUrl + "/health")).status).toBe(200);
  });

  it("garbage on the socket gets 400 and the gateway keeps serving", async () => {
    const res = await new Promise<string>((resolve) => {
      const s = net.connect(gw.gateway.port, "127.0.0.1", () => s.write("NOT HTTP AT ALL\r\n\r\n"));
      let buf = "";
      s.on("data", (d) => (buf += d));
      s.on("close", () => resolve(buf));
    });
    expect(res).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(gw.httpUrl + "/healthz")).status).toBe(200);
  });
});
