// Certificate pinning for wss:// (gateway.remote.tlsFingerprint): the TLS handshake runs first,
// the server's SHA-256 fingerprint is compared, and only a matching socket is handed to `ws`, so
// not one byte of the upgrade request (let alone a connect frame) reaches a wrong server.
import type { ClientRequestArgs } from "node:http";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import { Messages } from "../errors.js";

/** `AB:CD:...`, `abcd...` or `sha256:AB:CD...` -> 64 lowercase hex digits, or undefined. */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = value.trim().replace(/^sha-?256[:=]?/i, "").replace(/[:\s-]/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** 64 hex digits -> `AB:CD:...` (how `openclaw gateway status` and openssl print it). */
export function formatFingerprint(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(":");
}

/** A TLS failure that is not a network problem: the one line says what to do. */
export class TlsTrustError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlsTrustError";
  }
}

type CreateConnection = (options: ClientRequestArgs, oncreate: (err: Error | null, socket: Duplex) => void) => Duplex | undefined;

/**
 * A `createConnection` for `ws` that accepts exactly the certificate with this fingerprint (CA and
 * host name checks are replaced by the pin; the handshake still proves the server holds its key).
 */
export function pinnedConnection(url: string, expectedHex: string): CreateConnection {
  return (options, oncreate) => {
    const host = String(options.host ?? options.hostname ?? "localhost").replace(/^\[|\]$/g, "");
    const socket = tls.connect({
      ...(options as tls.ConnectionOptions),
      path: undefined, // the HTTP path, not an IPC socket
      host,
      port: Number(options.port),
      servername: net.isIP(host) ? "" : host,
      rejectUnauthorized: false,
    });
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      socket.off("error", onError);
      if (err) {
        socket.destroy();
        oncreate(err, socket);
      } else oncreate(null, socket);
    };
    const onError = (err: Error) => finish(err);
    socket.once("error", onError);
    socket.once("secureConnect", () => {
      const presented = socket.getPeerCertificate()?.fingerprint256;
      const actual = presented ? normalizeFingerprint(presented) : undefined;
      if (actual === expectedHex) return finish(null);
      finish(new TlsTrustError(Messages.tlsFingerprintMismatch(url, formatFingerprint(expectedHex), actual ? formatFingerprint(actual) : "no certificate")));
    });
    return undefined;
  };
}

const UNTRUSTED_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** The one-line TLS trust failure for an unpinned wss:// connect, or undefined for other errors. */
export function describeTlsFailure(url: string, err: NodeJS.ErrnoException): TlsTrustError | undefined {
  if (err instanceof TlsTrustError) return err;
  if (!err.code || !UNTRUSTED_CODES.has(err.code)) return undefined;
  return new TlsTrustError(Messages.tlsUntrusted(url, err.message.replace(/\.$/, "")));
}
