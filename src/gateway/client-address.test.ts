import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { describeClient, invalidProxyEntries, TrustedProxies } from "./client-address.js";

function req(socket: string, headers: Record<string, string>): IncomingMessage {
  return { socket: { remoteAddress: socket }, headers } as unknown as IncomingMessage;
}

describe("describeClient", () => {
  const proxies = new TrustedProxies(["10.0.0.0/8", "192.0.2.1"]);

  it("a direct loopback request is local; proxy headers from an untrusted peer make it remote but keep the socket address", () => {
    expect(describeClient(req("127.0.0.1", { host: "127.0.0.1:18789" }), proxies)).toEqual({ remoteAddress: "127.0.0.1", isLocal: true, viaTrustedProxy: false, peerTrusted: false, untrustedProxyHeaders: false });
    expect(describeClient(req("127.0.0.1", { host: "localhost", "x-forwarded-for": "1.2.3.4" }), proxies)).toEqual({ remoteAddress: "127.0.0.1", isLocal: false, viaTrustedProxy: false, peerTrusted: false, untrustedProxyHeaders: true });
  });

  it("behind trusted proxies (CIDR too) the client is the rightmost untrusted hop, not a spoofed leftmost entry", () => {
    const r = describeClient(req("10.1.2.3", { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.9.9.9" }), proxies);
    expect(r).toEqual({ remoteAddress: "203.0.113.7", isLocal: false, viaTrustedProxy: true, peerTrusted: true, untrustedProxyHeaders: false });
  });

  it("a non-loopback Host on a loopback socket is not local", () => {
    expect(describeClient(req("127.0.0.1", { host: "gateway.example.com" }), proxies).isLocal).toBe(false);
  });
});

describe("TrustedProxies", () => {
  it("matches IPv4 and IPv6 addresses and CIDR ranges, including v4-mapped socket addresses", () => {
    const p = new TrustedProxies(["10.0.0.0/8", "192.0.2.1", "fd00::/8", "2001:db8::1", "::1/128"]);
    for (const a of ["10.200.1.1", "::ffff:10.0.0.1", "192.0.2.1", "fd12:3456::1", "2001:db8::1", "::1"]) expect(p.has(a), a).toBe(true);
    for (const a of ["11.0.0.1", "192.0.2.2", "fe80::1", "2001:db8::2", "127.0.0.1", ""]) expect(p.has(a), a).toBe(false);
    expect(new TrustedProxies([]).has("127.0.0.1")).toBe(false);
  });

  it("reports entries that are neither an address nor a CIDR range", () => {
    expect(invalidProxyEntries(["10.0.0.0/8", "::1", "fd00::/8", "10.0.0.0/33", "fd00::/129", "proxy.local", "10.0.0.1/8/2", "10.0.0.0/x", ""])).toEqual([
      "10.0.0.0/33", "fd00::/129", "proxy.local", "10.0.0.1/8/2", "10.0.0.0/x", "",
    ]);
  });
});
