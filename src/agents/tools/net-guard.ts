// Classifies IP addresses so web_fetch can refuse loopback, private, link-local, CGNAT,
// unique-local, unspecified, multicast and reserved targets (SSRF), including IPv4 hidden
// inside IPv6 (mapped, NAT64, 6to4).
import type { LookupAddress } from "node:dns";
import net from "node:net";

export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "unique-local"
  | "unspecified"
  | "multicast"
  | "reserved";

type Range = [base: bigint, prefix: number, cls: AddressClass];

const V4_RANGES: [string, number, AddressClass][] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "cgnat"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"], // includes 255.255.255.255
];

const V6_RANGES: [string, number, AddressClass][] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["100::", 64, "reserved"],
  ["2001:db8::", 32, "reserved"],
  ["fc00::", 7, "unique-local"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "private"], // deprecated site-local
  ["ff00::", 8, "multicast"],
];

function parseV4(ip: string): bigint {
  return ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(ip: string): bigint {
  let s = ip;
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".")) {
    const v4 = parseV4(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = s.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function compile(ranges: [string, number, AddressClass][], parse: (ip: string) => bigint, bits: number): Range[] {
  return ranges.map(([base, prefix, cls]) => [parse(base) >> BigInt(bits - prefix), prefix, cls]);
}
const V4 = compile(V4_RANGES, parseV4, 32);
const V6 = compile(V6_RANGES, parseV6, 128);

function match(value: bigint, ranges: Range[], bits: number): AddressClass {
  for (const [base, prefix, cls] of ranges) if (value >> BigInt(bits - prefix) === base) return cls;
  return "public";
}

function embeddedV4(value: bigint): bigint | undefined {
  const top96 = value >> 32n;
  if (top96 === 0xffffn) return value & 0xffffffffn; // ::ffff:a.b.c.d (mapped)
  if (top96 === 0x0064ff9b0000000000000000n) return value & 0xffffffffn; // 64:ff9b::/96 (NAT64)
  if (top96 === 0n) return value & 0xffffffffn; // ::a.b.c.d (deprecated compatible)
  if (value >> 112n === 0x2002n) return (value >> 80n) & 0xffffffffn; // 2002::/16 (6to4)
  return undefined;
}

/** The class of an IP address (brackets and an IPv6 zone allowed). Throws on a non-IP. */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = net.isIP(bare);
  if (family === 4) return match(parseV4(bare), V4, 32);
  if (family !== 6) throw new TypeError(`not an IP address: ${ip}`);
  const value = parseV6(bare);
  const cls = match(value, V6, 128);
  if (cls !== "public") return cls;
  const v4 = embeddedV4(value);
  return v4 === undefined ? "public" : match(v4, V4, 32);
}

/** A net.LookupFunction that answers only with `addresses` (checked earlier), so DNS cannot change between check and connect. */
export function pinnedLookup(addresses: LookupAddress[]): net.LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const usable = family ? addresses.filter((a) => a.family === family) : addresses;
    const list = usable.length > 0 ? usable : addresses;
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
}
