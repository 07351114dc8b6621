import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { sendCoalesced } from "./coalesce.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A real WS pair on loopback; `server` is the server side's socket and raw net.Socket. */
async function pair() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  const { port } = wss.address() as net.AddressInfo;
  const accepted = new Promise<{ ws: WebSocket; socket: net.Socket }>((r) => wss.once("connection", (ws, req) => r({ ws, socket: req.socket as net.Socket })));
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise<void>((r, j) => client.once("open", () => r()).once("error", j));
  const server = await accepted;
  closers.push(async () => {
    client.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });
  return { client, server };
}

describe("sendCoalesced", () => {
  it("sends every frame intact and in order, in one socket write per turn", async () => {
    const { client, server } = await pair();
    const got: string[] = [];
    const all = new Promise<void>((r) => client.on("message", (d) => got.push(String(d)) === 20 && r()));
    const writes: number[] = [];
    const origWritev = (server.socket as any)._writev.bind(server.socket);
    (server.socket as any)._writev = (chunks: unknown[], cb: () => void) => {
      writes.push(chunks.length);
      return origWritev(chunks, cb);
    };
    for (let i = 0; i < 10; i++) sendCoalesced(server.ws, server.socket, JSON.stringify({ i, text: "x".repeat(i * 10) }));
    expect(server.socket.writableCorked).toBe(1);
    await new Promise((r) => process.nextTick(r));
    expect(server.socket.writableCorked).toBe(0);
    await new Promise((r) => setImmediate(r));
    for (let i = 10; i < 20; i++) sendCoalesced(server.ws, server.socket, JSON.stringify({ i, text: "y" }));
    await all;
    expect(got.map((s) => JSON.parse(s).i)).toEqual([...Array(20).keys()]);
    expect(writes).toEqual([20, 20]); // header + payload per frame, one writev per turn
  });

  it("still sends when the socket is not known", async () => {
    const { client, server } = await pair();
    const got = new Promise<string>((r) => client.once("message", (d) => r(String(d))));
    sendCoalesced(server.ws, undefined, "plain");
    expect(await got).toBe("plain");
  });
});
