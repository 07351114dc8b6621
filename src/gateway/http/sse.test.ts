import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SseWriter } from "./sse.js";

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A real server whose one handler drives an SseWriter; returns the raw response the client read. */
async function serve(handler: (sse: SseWriter) => Promise<void> | void, keepAliveMs: number): Promise<{ headers: http.IncomingHttpHeaders; body: string }> {
  server = http.createServer((req, res) => void handler(new SseWriter(req, res, { keepAliveMs })));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/" }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SseWriter", () => {
  it("writes keep-alive comments while the run is quiet, then the events and [DONE]", async () => {
    const { headers, body } = await serve(async (sse) => {
      await sleep(180);
      sse.send({ n: 1 });
      sse.done();
    }, 50);
    expect(headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(headers["cache-control"]).toBe("no-cache");
    const frames = body.split("\n\n").slice(0, -1);
    const comments = frames.filter((f) => f === ": keep-alive");
    expect(comments.length).toBeGreaterThanOrEqual(1);
    expect(frames.slice(comments.length)).toEqual(['data: {"n":1}', "data: [DONE]"]);
  });

  it("sends no comment while events keep coming, and none after the end", async () => {
    const { body } = await serve(async (sse) => {
      for (let i = 0; i < 5; i++) {
        sse.send({ i });
        await sleep(20);
      }
      sse.done();
    }, 1000);
    expect(body).not.toContain(": keep-alive");
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("splits multi-line data into data lines and strips line breaks from the event name", async () => {
    const { body } = await serve((sse) => {
      sse.send("a\nb\r\nc", "x\r\ny");
      sse.end();
    }, 0);
    expect(body).toBe("event: xy\ndata: a\ndata: b\ndata: c\n\n");
  });
});
