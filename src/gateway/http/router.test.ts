import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpHandler, type HttpStage } from "./router.js";

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(stages: HttpStage[], errors: unknown[]): Promise<string> {
  const handler = createHttpHandler({ stages: () => stages, describe: () => ({ remoteAddress: "127.0.0.1", isLocal: true }), onError: (err) => errors.push(err) });
  server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const throwing: HttpStage = {
  name: "boom",
  handle() {
    throw new Error("boom");
  },
};

describe("createHttpHandler", () => {
  it("answers a failing /v1 stage with the OpenAI-shaped 500 and logs the error", async () => {
    const errors: unknown[] = [];
    const base = await serve([throwing], errors);
    const res = await fetch(`${base}/v1/chat/completions`, { method: "POST" });
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(await res.json()).toEqual({ error: { message: "internal error", type: "server_error", param: null, code: "internal_error" } });
    expect(errors).toHaveLength(1);
  });

  it("answers other paths with the plain-text 500, and unhandled paths with 404", async () => {
    const errors: unknown[] = [];
    const base = await serve([{ name: "only-x", handle: (req, res, ctx) => (ctx.url.pathname === "/x" ? throwing.handle(req, res, ctx) : false) }], errors);
    const failed = await fetch(`${base}/x`);
    expect([failed.status, await failed.text()]).toEqual([500, "Internal Server Error"]);
    const missing = await fetch(`${base}/y`);
    expect([missing.status, await missing.text()]).toEqual([404, "Not Found"]);
  });
});
