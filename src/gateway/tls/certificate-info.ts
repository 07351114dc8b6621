// Where the gateway's TLS certificate lives and what it says (SHA-256 fingerprint, expiry). Only
// node built-ins, so `gateway status` and the CLI's connect read it without the server runtime.
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The `gateway.tls` config section (spec 5.2). */
export interface TlsConfig {
  enabled?: boolean;
  autoGenerate?: boolean;
  certPath?: string;
  keyPath?: string;
  caPath?: string;
}

export interface TlsPaths {
  certPath: string;
  keyPath: string;
  caPath?: string;
  /** Create a self-signed certificate when the files are missing (default on). */
  autoGenerate: boolean;
  /** Both paths are the state-dir defaults: an expired certificate there is ours to replace. */
  managed: boolean;
}

export interface CertificateInfo {
  /** SHA-256 of the DER certificate as `AB:CD:...` (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint: string;
  validFrom: Date;
  validTo: Date;
  subject: string;
  selfSigned: boolean;
}

/** `<stateDir>/gateway/tls`: the auto-generated certificate and key. */
export function defaultTlsDir(stateDir: string): string {
  return path.join(stateDir, "gateway", "tls");
}

function userPath(value: string, baseDir: string, env: NodeJS.ProcessEnv): string {
  const v = value.trim();
  if (v === "~" || v.startsWith("~/")) return path.join(env.HOME || os.homedir(), v.slice(1));
  return path.resolve(baseDir, v);
}

/**
 * The files TLS uses, or undefined when `gateway.tls.enabled` is not true. Relative paths are
 * relative to the config file's directory, so the gateway and the CLI agree whatever their cwd.
 */
export function resolveTlsPaths(
  tls: TlsConfig | undefined,
  where: { stateDir: string; configPath: string; env?: NodeJS.ProcessEnv },
): TlsPaths | undefined {
  if (tls?.enabled !== true) return undefined;
  const env = where.env ?? process.env;
  const base = path.dirname(where.configPath);
  const dir = defaultTlsDir(where.stateDir);
  const paths: TlsPaths = {
    certPath: tls.certPath ? userPath(tls.certPath, base, env) : path.join(dir, "gateway-cert.pem"),
    keyPath: tls.keyPath ? userPath(tls.keyPath, base, env) : path.join(dir, "gateway-key.pem"),
    autoGenerate: tls.autoGenerate !== false,
    managed: !tls.certPath && !tls.keyPath,
  };
  if (tls.caPath) paths.caPath = userPath(tls.caPath, base, env);
  return paths;
}

/** Parses a PEM (or DER) certificate; throws when it is not one. */
export function describeCertificate(data: string | Buffer): CertificateInfo {
  const cert = new X509Certificate(data);
  return {
    fingerprint: cert.fingerprint256,
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    subject: cert.subject.replace(/\n/g, ", "),
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
  };
}

/** The certificate at `certPath`, or undefined when the file does not exist. Throws when unreadable. */
export function readCertificateInfo(certPath: string): CertificateInfo | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(certPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return describeCertificate(data);
}
