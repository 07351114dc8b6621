// Bind modes -> listen hosts, and the small address predicates the auth and origin checks need.
import os from "node:os";
import net from "node:net";
import { Messages, StartupGuardError } from "../errors.js";

export const BIND_MODES = ["loopback", "lan", "tailnet", "auto", "custom"] as const;
export type BindMode = (typeof BIND_MODES)[number];

export function isBindMode(value: string): value is BindMode {
  return (BIND_MODES as readonly string[]).includes(value);
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || a.startsWith("127.") || a === "localhost";
}

/** The Tailscale CGNAT IPv4 (100.64.0.0/10) of this host, if any. */
export function findTailnetIPv4(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== "IPv4" || a.internal) continue;
      const [p0, p1] = a.address.split(".").map(Number);
      if (p0 === 100 && p1! >= 64 && p1! <= 127) return a.address;
    }
  }
  return undefined;
}

export interface ResolvedBind {
  mode: BindMode;
  /** Primary host to listen on. */
  host: string;
  /** Extra hosts tried best-effort (the ::1 alias for loopback). */
  aliases: string[];
  loopback: boolean;
  warnings: string[];
}

/**
 * Resolves a bind mode. Unlike the reference, `auto` and the default stay on loopback inside
 * containers too: exposing a port is the operator's explicit choice (`--bind lan`).
 */
export function resolveBind(mode: BindMode, customBindHost?: string): ResolvedBind {
  const warnings: string[] = [];
  switch (mode) {
    case "loopback":
    case "auto":
      return { mode, host: "127.0.0.1", aliases: ["::1"], loopback: true, warnings };
    case "lan":
      return { mode, host: "0.0.0.0", aliases: [], loopback: false, warnings };
    case "tailnet": {
      const ip = findTailnetIPv4();
      if (ip) return { mode, host: ip, aliases: [], loopback: false, warnings };
      warnings.push(Messages.tailnetUnavailable);
      return { mode, host: "127.0.0.1", aliases: ["::1"], loopback: true, warnings };
    }
    case "custom": {
      if (!customBindHost) throw new StartupGuardError([Messages.customBindRequiresHost]);
      if (net.isIPv4(customBindHost) === false) throw new StartupGuardError([Messages.customBindInvalid(customBindHost)]);
      return { mode, host: customBindHost, aliases: [], loopback: isLoopbackAddress(customBindHost), warnings };
    }
  }
}

/** The host part of a Host header or Origin, lowercased, without port or brackets. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  let h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]"));
  const colon = h.lastIndexOf(":");
  if (colon > -1 && h.indexOf(":") === colon) h = h.slice(0, colon);
  return h;
}

export function isLoopbackHostname(host: string | undefined): boolean {
  return host === "localhost" || host === "::1" || (host !== undefined && host.startsWith("127."));
}
