import { describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { profileFor } from "../../protocol/profile.js";
import { Broadcaster, type EventPeer } from "./broadcast.js";

function peer(id: string, version: 3 | 4, opts: { scopes?: string[]; role?: string; buffered?: number } = {}) {
  const sent: any[] = [];
  const closes: [number, string][] = [];
  const ws = {
    readyState: 1,
    bufferedAmount: opts.buffered ?? 0,
    send: (s: string) => sent.push(JSON.parse(s)),
    close: (code: number, reason: string) => closes.push([code, reason]),
    terminate: () => {},
  } as unknown as WebSocket;
  const p: EventPeer & { sent: any[]; closes: [number, string][]; ws: any } = {
    id,
    ws,
    profile: profileFor(version),
    role: opts.role ?? "operator",
    scopes: opts.scopes ?? ["operator.admin"],
    seq: 0,
    sent,
    closes,
  };
  return p;
}

describe("Broadcaster", () => {
  it("v4 seq is per connection and counts only frames sent", () => {
    const b = new Broadcaster(1000);
    const a = peer("a", 4);
    const r = peer("r", 4, { scopes: [] });
    b.add(a);
    b.add(r);
    b.broadcast("agent", { x: 1 }); // needs operator.read: only a gets it
    b.broadcast("tick", { ts: 1 });
    expect(a.sent.map((f) => f.seq)).toEqual([1, 2]);
    expect(r.sent.map((f) => f.seq)).toEqual([1]);
  });

  it("v3 seq is global", () => {
    const b = new Broadcaster(1000);
    const a = peer("a", 3);
    const c = peer("c", 3);
    b.add(a);
    b.broadcast("tick", { ts: 1 });
    b.add(c);
    b.broadcast("tick", { ts: 2 });
    expect(a.sent.map((f) => f.seq)).toEqual([1, 2]);
    expect(c.sent.map((f) => f.seq)).toEqual([2]);
  });

  it("targeted events carry no seq in v3", () => {
    const b = new Broadcaster(1000);
    const a = peer("a", 3);
    b.add(a);
    b.broadcast("health", {}, { targets: new Set(["a"]) });
    expect(a.sent[0].seq).toBeUndefined();
  });

  it("slow consumers: droppable frames are skipped, others close 1008 slow consumer; no gap for others", () => {
    const closed: string[] = [];
    const b = new Broadcaster(100, (p) => closed.push(p.id));
    const slow = peer("slow", 4, { buffered: 500 });
    const fast = peer("fast", 4);
    b.add(slow);
    b.add(fast);
    b.broadcast("tick", { ts: 1 }, { dropIfSlow: true });
    expect(slow.sent).toHaveLength(0);
    expect(slow.closes).toHaveLength(0);
    b.broadcast("presence", { presence: [] });
    expect(slow.closes).toEqual([[1008, "slow consumer"]]);
    expect(closed).toEqual(["slow"]);
    expect(fast.sent.map((f) => f.seq)).toEqual([1, 2]);
    expect(b.size).toBe(1);
  });

  it("guards: node roles get only unguarded events; unknown events need admin", () => {
    const b = new Broadcaster(1000);
    const node = peer("n", 4, { role: "node", scopes: [] });
    const reader = peer("r", 4, { scopes: ["operator.read"] });
    b.add(node);
    b.add(reader);
    b.broadcast("chat", {});
    b.broadcast("some.future.event", {});
    b.broadcast("device.pair.requested", {});
    b.broadcast("shutdown", { reason: "x" });
    expect(node.sent.map((f) => f.event)).toEqual(["shutdown"]);
    expect(reader.sent.map((f) => f.event)).toEqual(["chat", "shutdown"]);
  });

  it("attaches stateVersion", () => {
    const b = new Broadcaster(1000);
    const a = peer("a", 4);
    b.add(a);
    b.broadcast("presence", { presence: [] }, { stateVersion: { presence: 2, health: 3 } });
    expect(a.sent[0]).toEqual({ type: "event", event: "presence", payload: { presence: [] }, seq: 1, stateVersion: { presence: 2, health: 3 } });
  });
});
