// The browser's device identity: an Ed25519 key pair made with WebCrypto, the private key
// non-extractable and kept in IndexedDB; the connect signature is the shared v3 payload.
import { connectSigningPayload } from "../../src/gateway/devices/device-auth-payload.js";
import type { ConnectParams } from "../../src/protocol/frames.js";

export interface BrowserDevice {
  id: string;
  /** base64url raw 32-byte public key. */
  publicKey: string;
  privateKey: CryptoKey;
}

const DB = "openclaw-control-ui";
const STORE = "identity";

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function tx<T>(db: IDBDatabase, mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = run(db.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** A fresh identity: the device id is sha256 of the raw public key, as the gateway checks. */
export async function createDevice(): Promise<BrowserDevice> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return { id: hex(await crypto.subtle.digest("SHA-256", raw)), publicKey: b64url(raw), privateKey: pair.privateKey };
}

/** Loads this browser's identity, creating it on first use. Needs a secure context (HTTPS or localhost). */
export async function loadOrCreateDevice(): Promise<BrowserDevice> {
  if (!globalThis.crypto?.subtle) throw new Error("WebCrypto is unavailable: open the Control UI over HTTPS or from localhost");
  const db = await openDb();
  try {
    const stored = await tx<BrowserDevice | undefined>(db, "readonly", (s) => s.get("device"));
    if (stored?.id && stored.privateKey) return stored;
    const fresh = await createDevice();
    await tx(db, "readwrite", (s) => s.put(fresh, "device"));
    return fresh;
  } finally {
    db.close();
  }
}

/** The `device` block of connect params, signed over the v3 payload and the challenge nonce. */
export async function signConnect(device: BrowserDevice, params: ConnectParams, nonce: string, now = Date.now()): Promise<NonNullable<ConnectParams["device"]>> {
  const payload = connectSigningPayload(params, device.id, nonce, now);
  const sig = await crypto.subtle.sign({ name: "Ed25519" }, device.privateKey, new TextEncoder().encode(payload));
  return { id: device.id, publicKey: device.publicKey, signature: b64url(new Uint8Array(sig)), signedAt: now, nonce };
}
