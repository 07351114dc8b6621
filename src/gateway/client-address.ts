// Who is on the other end of a request: the socket address, or the forwarded client when the
// socket is a configured trusted proxy. Proxy headers from anyone else make a request non-local.
import type { IncomingMessage } from "node:http";
import net from "node:net";
import { hostnameOf, isLoopbackAddress, isLoopbackHostname } from "./net.js";

/** Splits `10.0.0.0/8` or `fd00::/8` or a bare address; undefined when it is neither. */
function parseEntry(entry: string): { addr: string; bits?: number; type: "ipv4" | "ipv6" } | undefined {
  const [addr, bits, extra] = entry.trim().split("/");
  if (!addr || extra !== undefined || !net.isIP(addr)) return undefined;
  const type = net.isIPv6(addr) ? "ipv6" : "ipv4";
  if (bits === undefined) return { addr, type };
  const n = Number(bits);
  if (!/^\d{1,3}$/.test(bits) || n > (type === "ipv6" ? 128 : 32)) return undefined;
  return { addr, bits: n, type };
}

/** The entries of `gateway.trustedProxies` that are neither an IP address nor a CIDR range. */
export function invalidProxyEntries(entries: readonly string[]): string[] {
  return entries.filter((e) => parseEntry(e) === undefined);
}

export class TrustedProxies {
  readonly #list = new net.BlockList();
  readonly #any: boolean;

  /** Invalid entries are skipped here; startup refuses them first (invalidProxyEntries). */
  constructor(entries: readonly string[]) {
    let any = false;
    for (const entry of entries) {
      const e = parseEntry(entry);
      if (!e) continue;
      if (e.bits !== undefined) this.#list.addSubnet(e.addr, e.bits, e.type);
      else this.#list.addAddress(e.addr, e.type);
      any = true;
    }
    this.#any = any;
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
  /** The socket peer itself is listed in gateway.trustedProxies (what trusted-proxy auth requires). */
  peerTrusted: boolean;
  /** Forwarding headers arrived from a peer that is not a trusted proxy (the reference warns). */
  untrustedProxyHeaders: boolean;
}

export function describeClient(req: IncomingMessage, proxies: TrustedProxies): ClientAddress {
  const socketAddr = req.socket.remoteAddress ?? "";
  const hasProxyHeaders = PROXY_HEADERS.some((h) => req.headers[h] !== undefined);
  const peerTrusted = proxies.has(socketAddr);
  if (hasProxyHeaders && peerTrusted) {
    // Walk X-Forwarded-For from the right, skipping our own trusted hops: the leftmost entries
    // are whatever the client chose to send.
    const hops = String(req.headers["x-forwarded-for"] ?? "").split(",").map((h) => h.trim()).filter(Boolean);
    let client = socketAddr;
    for (let i = hops.length - 1; i >= 0; i--) {
      client = hops[i]!;
      if (!proxies.has(client)) break;
    }
    const realIp = typeof req.headers["x-real-ip"] === "string" ? req.headers["x-real-ip"].trim() : "";
    return { remoteAddress: hops.length ? client : realIp || socketAddr, isLocal: false, viaTrustedProxy: true, peerTrusted, untrustedProxyHeaders: false };
  }
  const host = hostnameOf(req.headers.host);
  const isLocal = isLoopbackAddress(socketAddr) && !hasProxyHeaders && (host === undefined || isLoopbackHostname(host));
  return { remoteAddress: socketAddr, isLocal, viaTrustedProxy: false, peerTrusted, untrustedProxyHeaders: hasProxyHeaders };
}
