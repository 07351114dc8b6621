// A raw `ws` peer that records every frame and the close, like the capture scripts did.
import WebSocket from "ws";

export interface Probe {
  ws: WebSocket;
  frames: any[];
  challenge: Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
  next(predicate?: (f: any) => boolean, timeoutMs?: number): Promise<any>;
  send(frame: unknown): void;
  request(method: string, params?: unknown, id?: string): Promise<any>;
  close(): void;
}

export function openProbe(url: string, headers: Record<string, string> = {}): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, headers });
    const frames: any[] = [];
    const waiters: { pred: (f: any) => boolean; resolve: (f: any) => void }[] = [];
    let seen = 0;
    let resolveChallenge!: (f: any) => void;
    const challenge = new Promise<any>((r) => (resolveChallenge = r));
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on("close", (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on("message", (data) => {
      const f = JSON.parse(String(data));
      frames.push(f);
      if (f.type === "event" && f.event === "connect.challenge") resolveChallenge(f);
      for (let i = 0; i < waiters.length; i++) {
        if (waiters[i]!.pred(f)) {
          waiters[i]!.resolve(f);
          waiters.splice(i, 1);
          break;
        }
      }
    });
    ws.on("error", reject);
    let nextId = 1;
    const probe: Probe = {
      ws,
      frames,
      challenge,
      closed,
      next(pred = () => true, timeoutMs = 5000) {
        const existing = frames.slice(seen).find(pred);
        if (existing) {
          seen = frames.indexOf(existing) + 1;
          return Promise.resolve(existing);
        }
        return new Promise((res, rej) => {
          const t = setTimeout(() => rej(new Error(`no matching frame within ${timeoutMs}ms`)), timeoutMs);
          waiters.push({
            pred,
            resolve: (f) => {
              clearTimeout(t);
              seen = frames.indexOf(f) + 1;
              res(f);
            },
          });
        });
      },
      send(frame) {
        ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      },
      request(method, params, id = `r${nextId++}`) {
        probe.send(params === undefined ? { type: "req", id, method } : { type: "req", id, method, params });
        return probe.next((f) => f.type === "res" && f.id === id);
      },
      close() {
        ws.close();
      },
    };
    ws.on("open", () => resolve(probe));
  });
}

export function connectParams(over: Record<string, any> = {}): Record<string, any> {
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "cli", version: "0.0.1-test", platform: "linux", mode: "cli" },
    role: "operator",
    scopes: ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"],
    caps: [],
    locale: "en-US",
    userAgent: "test-probe/0.0.1",
    ...over,
  };
}

/** Opens, waits for the challenge and connects; returns the probe and the hello-ok frame. */
export async function connectProbe(url: string, params: Record<string, any>, headers: Record<string, string> = {}) {
  const probe = await openProbe(url, headers);
  await probe.challenge;
  const res = await probe.request("connect", params, "c1");
  return { probe, res };
}
