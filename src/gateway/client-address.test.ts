import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { describeClient, TrustedProxies } from "./client-address.js";

function req(socket: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress: socket }, headers } as unknown as IncomingMessage;
}

describe("describeClient", () => {
  const proxies = new TrustedProxies(["10.0.0.0/8", "192.0.2.1"]);

  it("a direct loopback request is local; proxy headers from an untrusted peer make it remote but keep the socket address", () => {
    expect(describeClient(req("127.0.0.1", { host: "127.0.0.1:18789" }), proxies)).toEqual({ remoteAddress: "127.0.0.1", isLocal: true, viaTrustedProxy: false });
    expect(describeClient(req("127.0.0.1", { host: "localhost", "x-forwarded-for": "1.2.3.4" }), proxies)).toEqual({ remoteAddress: "127.0.0.1", isLocal: false, viaTrustedProxy: false });
  });

  it("behind trusted proxies (CIDR too) the client is the rightmost untrusted hop, not a spoofed leftmost entry", () => {
    const r = describeClient(req("10.1.2.3", { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.9.9.9" }), proxies);
    expect(r).toEqual({ remoteAddress: "203.0.113.7", isLocal: false, viaTrustedProxy: true });
  });

  it("a non-loopback Host on a loopback socket is not local", () => {
    expect(describeClient(req("127.0.0.1", { host: "gateway.example.com" }), proxies).isLocal).toBe(false);
  });
});
