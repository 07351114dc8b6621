// The Control UI's protocol client (ui/src/client.ts) run in Node over `ws`, with a WebCrypto
// Ed25519 device: against a real gateway (signed connect, silent local pairing, device token,
// reconnect after a restart) and against a scripted server for what a gateway rarely does (a seq
// gap, an auth refusal that must not be retried in a loop).
import { createPublicKey, verify } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket as WsWebSocket, WebSocketServer } from "ws";
import { GatewayConnection } from "../ui/src/client.js";
import { createDevice, type BrowserDevice } from "../ui/src/device.js";
import { deviceAuthPayload } from "../src/gateway/devices/device-auth-payload.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";

let origin = "http://127.0.0.1";
// A browser sends its page's Origin; `ws` does not unless told.
class BrowserLikeWebSocket extends WsWebSocket {
  constructor(url: string) {
    super(url, { headers: { origin } });
  }
}

beforeAll(() => {
  (globalThis as { WebSocket?: unknown }).WebSocket = BrowserLikeWebSocket;
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function until(conn: GatewayConnection, pred: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pred()) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out; state ${conn.state}, last error ${JSON.stringify(conn.lastError)}`)), timeoutMs);
    const check = () => {
      if (!pred()) return;
      clearTimeout(timer);
      conn.removeEventListener("state", check);
      resolve();
    };
    conn.addEventListener("state", check);
  });
}

function connection(url: string, device: BrowserDevice, token: string | undefined, saved: string[] = []) {
  const conn = new GatewayConnection({ url, version: "test", device: async () => device, credentials: () => ({ token }), onDeviceToken: (t) => saved.push(t) });
  cleanups.push(() => conn.stop());
  return conn;
}

describe("control UI client against a real gateway", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(localConfig());
    origin = gw.httpUrl;
    return () => gw.stop();
  });

  it("connects as openclaw-control-ui with a signed device, pairs silently, keeps its scopes and the device token", async () => {
    const device = await createDevice();
    const saved: string[] = [];
    const conn = connection(gw.url, device, TEST_TOKEN, saved);
    conn.start();
    await until(conn, () => conn.state === "connected");
    expect(conn.hello?.auth?.scopes).toContain("operator.admin");
    expect(saved).toHaveLength(1);
    const status = await conn.request<{ authMode: string }>("status");
    expect(status.authMode).toBe("token");
    const paired = await gw.gateway.devices.list();
    expect(paired.find((d) => d.deviceId === device.id)?.clientId).toBe("openclaw-control-ui");

    // Reconnects on its own after the gateway restarts (new connection id).
    const before = conn.hello!.server.connId;
    await gw.gateway.restart("client test");
    await until(conn, () => conn.state === "connected" && conn.hello!.server.connId !== before, 15_000);
    expect(conn.hello!.server.connId).not.toBe(before);
  });

  it("a wrong token fails for good (no retry loop) with the gateway's message", async () => {
    const conn = connection(gw.url, await createDevice(), "wrong-token");
    conn.start();
    await until(conn, () => conn.state === "failed");
    expect(conn.lastError?.message).toMatch(/token/);
    expect(conn.nextRetryAt).toBeUndefined();
    await expect(conn.request("health")).rejects.toThrow("not connected to the gateway");
  });
});

describe("control UI client against a scripted server", () => {
  async function scripted(onConnect: (ws: WsWebSocket, req: any) => void) {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.once("listening", r));
    cleanups.push(() => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }));
    let connects = 0;
    wss.on("connection", (ws) => {
      ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: "n-1", ts: Date.now() } }));
      ws.on("message", (data) => {
        const req = JSON.parse(String(data));
        if (req.method === "connect") {
          connects++;
          onConnect(ws, req);
        }
      });
    });
    const port = (wss.address() as { port: number }).port;
    return { url: `ws://127.0.0.1:${port}`, connects: () => connects };
  }

  const hello = (id: string) => JSON.stringify({ type: "res", id, ok: true, payload: { type: "hello-ok", protocol: 4, server: { version: "x", connId: `c${Math.random()}` }, features: { methods: ["health"], events: [] }, snapshot: { presence: [], health: {}, stateVersion: { presence: 1, health: 1 }, uptimeMs: 1 }, policy: { maxPayload: 1, maxBufferedBytes: 1, tickIntervalMs: 30000 } } });

  it("signs exactly the v3 payload and reports a seq gap", async () => {
    const device = await createDevice();
    let signatureOk = false;
    const server = await scripted((ws, req) => {
      const p = req.params;
      const payload = deviceAuthPayload("v3", { deviceId: p.device.id, clientId: p.client.id, clientMode: p.client.mode, role: p.role, scopes: p.scopes, signedAtMs: p.device.signedAt, token: p.auth.token ?? "", nonce: "n-1", platform: p.client.platform, deviceFamily: p.client.deviceFamily });
      const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: p.device.publicKey }, format: "jwk" });
      signatureOk = p.client.id === "openclaw-control-ui" && p.client.mode === "ui" && p.device.nonce === "n-1" && verify(null, Buffer.from(payload), key, Buffer.from(p.device.signature, "base64url"));
      ws.send(hello(req.id));
      for (const seq of [1, 2, 4]) ws.send(JSON.stringify({ type: "event", event: "tick", seq, payload: { ts: Date.now() } }));
    });
    const conn = connection(server.url, device, "tok");
    const gaps: unknown[] = [];
    const ticks: number[] = [];
    conn.addEventListener("gap", (e) => gaps.push((e as CustomEvent).detail));
    conn.on("tick", (_p, frame) => ticks.push(frame.seq!));
    conn.start();
    await until(conn, () => conn.state === "connected");
    await new Promise((r) => setTimeout(r, 200));
    expect(signatureOk).toBe(true);
    expect(ticks).toEqual([1, 2, 4]);
    expect(gaps).toEqual([{ expected: 3, received: 4 }]);
  });

  it("retries with backoff when refused for a non-auth reason, and stays down on an auth refusal", async () => {
    let mode: "pairing" | "ok" = "pairing";
    const server = await scripted((ws, req) => {
      if (mode === "ok") return void ws.send(hello(req.id));
      ws.send(JSON.stringify({ type: "res", id: req.id, ok: false, error: { code: "NOT_PAIRED", message: "pairing required", details: { code: "PAIRING_REQUIRED" } } }));
      ws.close(1008, "pairing required");
    });
    const conn = connection(server.url, await createDevice(), "tok");
    conn.start();
    await until(conn, () => server.connects() >= 2, 10_000);
    expect(conn.lastError?.code).toBe("NOT_PAIRED");
    mode = "ok";
    await until(conn, () => conn.state === "connected", 15_000);

    const refused = await scripted((ws, req) => {
      ws.send(JSON.stringify({ type: "res", id: req.id, ok: false, error: { code: "INVALID_REQUEST", message: "unauthorized: gateway token mismatch", details: { code: "AUTH_TOKEN_MISMATCH" } } }));
      ws.close(1008, "unauthorized");
    });
    const failed = connection(refused.url, await createDevice(), "bad");
    failed.start();
    await until(failed, () => failed.state === "failed");
    await new Promise((r) => setTimeout(r, 1500));
    expect(refused.connects()).toBe(1);
  });
});
