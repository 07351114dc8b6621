// Paired devices and their per-role tokens (`<stateDir>/devices/paired.json`), plus the pending
// pairing requests. Writes are atomic and serialised; an unchanged pairing is not rewritten.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { safeEqualSecret } from "../auth/secret-compare.js";
import { readJsonFile, SerialWriter } from "./json-file.js";
import { PendingPairingStore } from "./pending-store.js";

export interface DeviceRoleToken {
  token: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  clientId: string;
  platform: string;
  deviceFamily?: string;
  displayName?: string;
  roles: string[];
  scopes: string[];
  pairedAtMs: number;
  lastSeenAtMs: number;
  tokens: Record<string, DeviceRoleToken>;
}

export type PairInput = Omit<PairedDevice, "pairedAtMs" | "lastSeenAtMs" | "tokens" | "roles" | "scopes"> & { role: string; scopes: string[] };

type PairedFile = { version: 1; devices: Record<string, PairedDevice> };

// lastSeenAtMs alone is persisted at most this often, so a busy CLI does not rewrite the file per call.
const LAST_SEEN_PERSIST_MS = 60_000;

const newToken = () => randomBytes(32).toString("base64url");

export class DeviceStore {
  readonly pending: PendingPairingStore;
  readonly #writer: SerialWriter;
  #loaded: Promise<PairedFile> | undefined;

  constructor(private readonly stateDir: string) {
    this.#writer = new SerialWriter(this.file);
    this.pending = new PendingPairingStore(path.join(stateDir, "devices", "pending.json"));
  }

  get file(): string {
    return path.join(this.stateDir, "devices", "paired.json");
  }

  #load(): Promise<PairedFile> {
    return (this.#loaded ??= readJsonFile(this.file).then((raw) => {
      const parsed = raw as Partial<PairedFile> | undefined;
      return parsed && typeof parsed.devices === "object" && parsed.devices !== null
        ? { version: 1, devices: parsed.devices }
        : { version: 1, devices: {} };
    }));
  }

  async #persist(): Promise<void> {
    const data = await this.#load();
    await this.#writer.write(`${JSON.stringify(data, null, 2)}\n`);
  }

  async get(deviceId: string): Promise<PairedDevice | undefined> {
    return (await this.#load()).devices[deviceId];
  }

  async list(): Promise<PairedDevice[]> {
    return Object.values((await this.#load()).devices).sort((a, b) => a.pairedAtMs - b.pairedAtMs);
  }

  /** Checks a presented device token for this device and role. */
  async verifyToken(deviceId: string, role: string, token: string): Promise<DeviceRoleToken | undefined> {
    const dev = await this.get(deviceId);
    const t = dev?.tokens[role];
    return t && safeEqualSecret(token, t.token) ? t : undefined;
  }

  /**
   * Records (or refreshes) a pairing and makes sure the role has a token. A token that exists keeps
   * its value (the device may be holding it) and widens to the newly approved scopes.
   */
  async pair(input: PairInput): Promise<DeviceRoleToken> {
    const data = await this.#load();
    const now = Date.now();
    const existing = data.devices[input.deviceId];
    const before = existing ? JSON.stringify(existing) : "";
    const device: PairedDevice = existing ?? {
      deviceId: input.deviceId,
      publicKey: input.publicKey,
      clientId: input.clientId,
      platform: input.platform,
      roles: [],
      scopes: [],
      pairedAtMs: now,
      lastSeenAtMs: now,
      tokens: {},
    };
    const lastSeen = device.lastSeenAtMs;
    device.clientId = input.clientId;
    device.platform = input.platform;
    if (input.deviceFamily) device.deviceFamily = input.deviceFamily;
    else delete device.deviceFamily;
    if (input.displayName) device.displayName = input.displayName;
    if (!device.roles.includes(input.role)) device.roles.push(input.role);
    device.scopes = [...new Set([...device.scopes, ...input.scopes])];
    let token = device.tokens[input.role];
    if (!token) token = { token: newToken(), role: input.role, scopes: [...input.scopes], issuedAtMs: now };
    else if (!input.scopes.every((s) => token!.scopes.includes(s))) token = { ...token, scopes: [...new Set([...token.scopes, ...input.scopes])] };
    device.tokens[input.role] = token;
    data.devices[input.deviceId] = device;
    const changed = JSON.stringify(device) !== before;
    device.lastSeenAtMs = now;
    if (changed || now - lastSeen >= LAST_SEEN_PERSIST_MS) await this.#persist();
    return token;
  }

  /** Forgets a device, its tokens and its pending requests; returns it, or undefined if unknown. */
  async remove(deviceId: string): Promise<PairedDevice | undefined> {
    const data = await this.#load();
    const device = data.devices[deviceId];
    if (!device) return undefined;
    await this.pending.removeDevice(deviceId);
    delete data.devices[deviceId];
    await this.#persist();
    return device;
  }

  /**
   * A new token value for a role the device is paired for (also after a revoke), keeping the
   * approved scopes; undefined when the device is unknown or not paired for the role.
   */
  async rotateToken(deviceId: string, role: string): Promise<DeviceRoleToken | undefined> {
    const device = await this.get(deviceId);
    if (!device || !device.roles.includes(role)) return undefined;
    const scopes = device.tokens[role]?.scopes ?? device.scopes;
    const token: DeviceRoleToken = { token: newToken(), role, scopes: [...scopes], issuedAtMs: Date.now() };
    device.tokens[role] = token;
    await this.#persist();
    return token;
  }

  /** Deletes a role's token; the pairing stays. Returns the revoked token, or undefined if none. */
  async revokeToken(deviceId: string, role: string): Promise<DeviceRoleToken | undefined> {
    const device = await this.get(deviceId);
    const token = device?.tokens[role];
    if (!device || !token) return undefined;
    delete device.tokens[role];
    await this.#persist();
    return token;
  }
}
