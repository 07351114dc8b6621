// The CLI's own device identity: an Ed25519 key pair made on first use and kept in
// `<stateDir>/identity/device.json` (0600), which signs every connect; plus the device tokens
// gateways issued to it, per gateway URL (`identity/device-tokens.json`). node:crypto and fs only.
import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
// The signed string has one definition, shared with the gateway's verifier (an import-free module).
import { connectSigningPayload } from "../gateway/devices/device-auth-payload.js";
import type { ConnectParams } from "../protocol/frames.js";

/** What a connect needs from a device: its id, public key and a signer. */
export interface DeviceSigner {
  readonly id: string;
  /** base64url raw Ed25519 public key. */
  readonly publicKey: string;
  /** Signs the UTF-8 payload; returns a base64url signature. */
  sign(payload: string): string;
}

/** The `device` block of connect params: a v3 signature over these params and the challenge nonce. */
export function signConnectDevice(params: ConnectParams, nonce: string, signer: DeviceSigner, now = Date.now()): NonNullable<ConnectParams["device"]> {
  const payload = connectSigningPayload(params, signer.id, nonce, now);
  return { id: signer.id, publicKey: signer.publicKey, signature: signer.sign(payload), signedAt: now, nonce };
}

export interface StoredIdentity {
  deviceId: string;
  publicKey: string;
  privateKeyPem: string;
  createdAtMs: number;
}

export class DeviceIdentity implements DeviceSigner {
  #key: KeyObject | undefined;

  constructor(
    readonly stored: StoredIdentity,
    /** Set when an unreadable identity file was moved aside to make this one. */
    readonly replacedFile?: string,
  ) {}

  get id(): string {
    return this.stored.deviceId;
  }

  get publicKey(): string {
    return this.stored.publicKey;
  }

  /** Parses the private key now (the CLI does it while the socket opens, off the critical path). */
  prepare(): this {
    this.#key ??= createPrivateKey(this.stored.privateKeyPem);
    return this;
  }

  sign(payload: string): string {
    return sign(null, Buffer.from(payload, "utf8"), this.prepare().#key!).toString("base64url");
  }

  signConnect(params: ConnectParams, nonce: string): NonNullable<ConnectParams["device"]> {
    return signConnectDevice(params, nonce, this);
  }
}

export function identityFiles(stateDir: string): { dir: string; identity: string; tokens: string } {
  const dir = path.join(stateDir, "identity");
  return { dir, identity: path.join(dir, "device.json"), tokens: path.join(dir, "device-tokens.json") };
}

/** A fresh key pair; the device id is sha256 of the raw public key, as the gateway checks. */
export function generateIdentity(now = Date.now()): StoredIdentity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return {
    deviceId: createHash("sha256").update(raw).digest("hex"),
    publicKey: raw.toString("base64url"),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    createdAtMs: now,
  };
}

// Shape only: a key that does not match its id is refused by the gateway with a clear error.
function isValidIdentity(value: unknown): value is StoredIdentity {
  const v = value as Partial<StoredIdentity> | null;
  return !!v && typeof v.deviceId === "string" && /^[0-9a-f]{64}$/.test(v.deviceId) && typeof v.publicKey === "string" &&
    typeof v.privateKeyPem === "string" && v.privateKeyPem.includes("PRIVATE KEY");
}

// The CLI reads these tiny files on every command: a sync read costs microseconds, an async one
// several thread-pool round trips.
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function writePrivate(file: string, text: string, exclusive: boolean): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  try {
    // link() fails if the file exists: two first runs at once end up with one identity.
    if (exclusive) await fs.link(tmp, file);
    else await fs.rename(tmp, file);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Loads this machine's identity, creating it on first use. */
export async function loadOrCreateDeviceIdentity(stateDir: string, now = Date.now()): Promise<DeviceIdentity> {
  const { identity: file } = identityFiles(stateDir);
  let replacedFile: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const text = readText(file);
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (isValidIdentity(parsed)) return new DeviceIdentity(parsed, replacedFile);
      // Keep the broken file for inspection rather than silently destroying a key.
      replacedFile = `${file}.invalid-${now}`;
      await fs.rename(file, replacedFile);
    }
    try {
      const fresh = generateIdentity(now);
      await writePrivate(file, `${JSON.stringify({ version: 1, ...fresh }, null, 2)}\n`, true);
      return new DeviceIdentity(fresh, replacedFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`could not create the device identity at ${file}`);
}

/** A device token a gateway issued to this device (hello-ok.auth). */
export interface StoredDeviceToken {
  deviceId: string;
  role: string;
  token: string;
  scopes: string[];
  issuedAtMs?: number;
  savedAtMs: number;
}

type TokenFile = { version: 1; gateways: Record<string, Record<string, StoredDeviceToken>> };

/** The key a gateway's tokens are stored under: its URL without a trailing slash. */
export function gatewayKey(url: string): string {
  try {
    return new URL(url).href.replace(/\/$/, "");
  } catch {
    return url.trim();
  }
}

function readTokenFile(file: string): TokenFile {
  try {
    const parsed = JSON.parse(readText(file) ?? "{}") as Partial<TokenFile>;
    if (parsed && typeof parsed.gateways === "object" && parsed.gateways !== null) return { version: 1, gateways: parsed.gateways };
  } catch {
    // Missing or unreadable: no tokens yet.
  }
  return { version: 1, gateways: {} };
}

/** The stored token for this gateway, device and role (a token of an older identity is ignored). */
export function readDeviceToken(stateDir: string, url: string, deviceId: string, role = "operator"): StoredDeviceToken | undefined {
  const data = readTokenFile(identityFiles(stateDir).tokens);
  const t = data.gateways[gatewayKey(url)]?.[role];
  return t && t.deviceId === deviceId && typeof t.token === "string" ? t : undefined;
}

/** Stores (or, with `token` undefined, forgets) a gateway's token; writes only when it changed. */
export async function saveDeviceToken(
  stateDir: string,
  url: string,
  entry: { deviceId: string; role: string; token?: string | undefined; scopes?: string[]; issuedAtMs?: number | undefined },
  now = Date.now(),
): Promise<boolean> {
  const file = identityFiles(stateDir).tokens;
  const data = readTokenFile(file);
  const key = gatewayKey(url);
  const current = data.gateways[key]?.[entry.role];
  if (entry.token === undefined) {
    if (!current) return false;
    delete data.gateways[key]![entry.role];
    if (Object.keys(data.gateways[key]!).length === 0) delete data.gateways[key];
  } else {
    if (current && current.deviceId === entry.deviceId && current.token === entry.token) return false;
    const stored: StoredDeviceToken = { deviceId: entry.deviceId, role: entry.role, token: entry.token, scopes: entry.scopes ?? [], savedAtMs: now };
    if (entry.issuedAtMs !== undefined) stored.issuedAtMs = entry.issuedAtMs;
    (data.gateways[key] ??= {})[entry.role] = stored;
  }
  await writePrivate(file, `${JSON.stringify(data, null, 2)}\n`, false);
  return true;
}
