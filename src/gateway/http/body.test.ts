import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBodyError, readJsonBody } from "./body.js";

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    try {
      const body = await readJsonBody(req, { maxBytes: 64, timeoutMs: 200 });
      res.end(JSON.stringify({ ok: true, body }));
    } catch (err) {
      const e = err as HttpBodyError;
      res.statusCode = e.status ?? 500;
      res.end(e.message);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("readJsonBody", () => {
  it("parses a small JSON body", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: '{"a":1}' });
    expect(await res.json()).toEqual({ ok: true, body: { a: 1 } });
  });

  it("400 with the parser's message for bad JSON", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/JSON/);
  });

  it("413 when Content-Length or the streamed size is over the limit", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x".repeat(100) });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe("Payload too large");
  });

  it("408 when the body stalls", async () => {
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"));
      let buf = "";
      s.on("data", (d) => {
        buf += d;
        s.end();
      });
      s.on("close", () => resolve(buf));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(reply).toContain("Request body timeout");
  });
});
