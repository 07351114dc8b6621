// The gateway's TLS material: the configured certificate and key, or a self-signed pair created
// on first start under the state dir (key 0600), reused across restarts and replaced once expired.
import { createSecureContext } from "node:tls";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Messages, StartupGuardError } from "../../errors.js";
import { describeCertificate, resolveTlsPaths, type CertificateInfo, type TlsConfig, type TlsPaths } from "./certificate-info.js";

export interface GatewayTls {
  key: Buffer;
  cert: Buffer;
  ca?: Buffer;
  certPath: string;
  info: CertificateInfo;
  /** A new self-signed certificate was written during this load. */
  generated: boolean;
  /** Things the operator should know (an expired certificate that is not ours to replace). */
  warnings: string[];
}

const VALIDITY_DAYS = 3650;

async function readOptional(file: string, what: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StartupGuardError([Messages.tlsUnreadable(what, file, (err as Error).message)]);
  }
}

/** Writes via a temp file and rename, so a crash never leaves half a key. */
async function writeAtomic(file: string, data: string, mode: number): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, data, { mode });
  await fs.chmod(tmp, mode);
  await fs.rename(tmp, file);
}

/** Names a client may use for this gateway: loopback, this host, and the bind address. */
function altNames(bindHost: string | undefined): { type: 2 | 7; value?: string; ip?: string }[] {
  const names: { type: 2 | 7; value?: string; ip?: string }[] = [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }];
  const host = os.hostname();
  if (host && host !== "localhost" && /^[a-z0-9.-]+$/i.test(host)) names.push({ type: 2, value: host });
  if (bindHost && bindHost !== "0.0.0.0" && bindHost !== "127.0.0.1") names.push({ type: 7, ip: bindHost });
  return names;
}

async function generate(paths: TlsPaths, bindHost: string | undefined): Promise<void> {
  // selfsigned (WebCrypto + @peculiar/x509) is loaded only when a certificate must be made.
  // It is CommonJS: bundled, its exports arrive on `default`.
  const mod = (await import("selfsigned")) as typeof import("selfsigned") & { default?: typeof import("selfsigned") };
  const makeCert = mod.generate ?? mod.default!.generate;
  const now = new Date();
  const pems = await makeCert([{ name: "commonName", value: "openclaw-gateway" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: altNames(bindHost) },
    ],
  });
  await writeAtomic(paths.keyPath, pems.private, 0o600);
  await writeAtomic(paths.certPath, pems.cert, 0o644);
}

/**
 * Loads (or creates) the TLS material for `gateway.tls`; undefined when TLS is off. Problems are
 * StartupGuardErrors (exit 78): a missing file without autoGenerate, a key that does not match.
 */
export async function loadGatewayTls(
  tls: TlsConfig | undefined,
  where: { stateDir: string; configPath: string; env?: NodeJS.ProcessEnv; bindHost?: string; now?: number },
): Promise<GatewayTls | undefined> {
  const paths = resolveTlsPaths(tls, where);
  if (!paths) return undefined;
  const now = where.now ?? Date.now();
  const warnings: string[] = [];
  let [cert, key] = await Promise.all([readOptional(paths.certPath, "certPath"), readOptional(paths.keyPath, "keyPath")]);
  let generated = false;
  let info: CertificateInfo | undefined;
  if (cert) {
    try {
      info = describeCertificate(cert);
    } catch (err) {
      throw new StartupGuardError([Messages.tlsUnreadable("certPath", paths.certPath, `not a PEM certificate (${(err as Error).message})`)]);
    }
  }
  const expired = info !== undefined && info.validTo.getTime() <= now;
  // Only our own files are replaced: an operator's certificate is never overwritten.
  const mayCreate = paths.autoGenerate && (paths.managed || (!cert && !key));
  if ((!cert || !key || (expired && paths.managed)) && mayCreate) {
    await generate(paths, where.bindHost);
    [cert, key] = await Promise.all([fs.readFile(paths.certPath), fs.readFile(paths.keyPath)]);
    info = describeCertificate(cert);
    generated = true;
  }
  if (!cert || !key) {
    if (!tls?.certPath && !tls?.keyPath) throw new StartupGuardError([Messages.tlsNeedsCert]);
    const [what, file] = !cert ? ["certPath", paths.certPath] : ["keyPath", paths.keyPath];
    throw new StartupGuardError([Messages.tlsUnreadable(what, file, "file not found")]);
  }
  if (!generated && expired) warnings.push(`gateway.tls: the certificate ${paths.certPath} expired on ${info!.validTo.toISOString()}; clients will refuse it`);
  const ca = paths.caPath ? await readOptional(paths.caPath, "caPath") : undefined;
  if (paths.caPath && !ca) throw new StartupGuardError([Messages.tlsUnreadable("caPath", paths.caPath, "file not found")]);
  try {
    createSecureContext({ key, cert, ...(ca ? { ca } : {}) });
  } catch (err) {
    throw new StartupGuardError([Messages.tlsUnreadable("keyPath", paths.keyPath, (err as Error).message)]);
  }
  return { key, cert, ...(ca ? { ca } : {}), certPath: paths.certPath, info: info!, generated, warnings };
}
