// Who is on the other end of a request: the socket address, or the forwarded client when the
// socket is a configured trusted proxy. Proxy headers from anyone else make a request non-local.
import type { IncomingMessage } from "node:http";
import net from "node:net";
import { hostnameOf, isLoopbackAddress, isLoopbackHostname } from "./net.js";

export class TrustedProxies {
  readonly #list = new net.BlockList();
  readonly #any: boolean;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [addr, bits] = entry.split("/");
      if (!addr) continue;
      const type = net.isIPv6(addr) ? "ipv6" : "ipv4";
      if (!net.isIP(addr)) continue;
      if (bits !== undefined) this.#list.addSubnet(addr, Number(bits), type);
      else this.#list.addAddress(addr, type);
    }
    this.#any = entries.length > 0;
  }

  has(address: string): boolean {
    if (!this.#any || !address) return false;
    const a = address.startsWith("::ffff:") ? address.slice(7) : address;
    return this.#list.check(a, net.isIPv6(a) ? "ipv6" : "ipv4");
  }
}

const PROXY_HEADERS = ["x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host"];

export interface ClientAddress {
  remoteAddress: string;
  isLocal: boolean;
  viaTrustedProxy: boolean;
}

export function describeClient(req: IncomingMessage, proxies: TrustedProxies): ClientAddress {
  const socketAddr = req.socket.remoteAddress ?? "";
  const hasProxyHeaders = PROXY_HEADERS.some((h) => req.headers[h] !== undefined);
  if (hasProxyHeaders && proxies.has(socketAddr)) {
    // Walk X-Forwarded-For from the right, skipping our own trusted hops: the leftmost entries
    // are whatever the client chose to send.
    const hops = String(req.headers["x-forwarded-for"] ?? "").split(",").map((h) => h.trim()).filter(Boolean);
    let client = socketAddr;
    for (let i = hops.length - 1; i >= 0; i--) {
      client = hops[i]!;
      if (!proxies.has(client)) break;
    }
    const realIp = typeof req.headers["x-real-ip"] === "string" ? req.headers["x-real-ip"].trim() : "";
    return { remoteAddress: hops.length ? client : realIp || socketAddr, isLocal: false, viaTrustedProxy: true };
  }
  const host = hostnameOf(req.headers.host);
  const isLocal = isLoopbackAddress(socketAddr) && !hasProxyHeaders && (host === undefined || isLoopbackHostname(host));
  return { remoteAddress: socketAddr, isLocal, viaTrustedProxy: false };
}
