// Paired devices and their per-role tokens, persisted in <stateDir>/devices/paired.json with
// atomic replaces. Pairing approval flows (remote devices) come with the devices issue.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { safeEqualSecret } from "../auth/secret-compare.js";

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

type PairedFile = { version: 1; devices: Record<string, PairedDevice> };

export class DeviceStore {
  #cache: PairedFile | undefined;
  #writeChain: Promise<void> = Promise.resolve();

  constructor(private readonly stateDir: string) {}

  get file(): string {
    return path.join(this.stateDir, "devices", "paired.json");
  }

  async #load(): Promise<PairedFile> {
    if (this.#cache) return this.#cache;
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, "utf8")) as PairedFile;
      this.#cache = parsed && typeof parsed.devices === "object" ? parsed : { version: 1, devices: {} };
    } catch {
      this.#cache = { version: 1, devices: {} };
    }
    return this.#cache;
  }

  async get(deviceId: string): Promise<PairedDevice | undefined> {
    return (await this.#load()).devices[deviceId];
  }

  /** Checks a presented device token for this device and role. */
  async verifyToken(deviceId: string, role: string, token: string): Promise<DeviceRoleToken | undefined> {
    const dev = await this.get(deviceId);
    const t = dev?.tokens[role];
    return t && safeEqualSecret(token, t.token) ? t : undefined;
  }

  /** Records (or refreshes) a pairing and makes sure the role has a token. */
  async pair(input: Omit<PairedDevice, "pairedAtMs" | "lastSeenAtMs" | "tokens" | "roles" | "scopes"> & { role: string; scopes: string[] }): Promise<DeviceRoleToken> {
    const data = await this.#load();
    const now = Date.now();
    const existing = data.devices[input.deviceId];
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
    if (input.deviceFamily) device.deviceFamily = input.deviceFamily;
    if (input.displayName) device.displayName = input.displayName;
    device.lastSeenAtMs = now;
    if (!device.roles.includes(input.role)) device.roles.push(input.role);
    device.scopes = [...new Set([...device.scopes, ...input.scopes])];
    let token = device.tokens[input.role];
    if (!token || !input.scopes.every((s) => token!.scopes.includes(s))) {
      token = { token: randomBytes(32).toString("base64url"), role: input.role, scopes: input.scopes, issuedAtMs: now };
      device.tokens[input.role] = token;
    }
    data.devices[input.deviceId] = device;
    await this.#persist();
    return token;
  }

  #persist(): Promise<void> {
    const snapshot = JSON.stringify(this.#cache, null, 2) + "\n";
    this.#writeChain = this.#writeChain.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      const fh = await fs.open(tmp, "w", 0o600);
      try {
        await fh.writeFile(snapshot);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, this.file);
    });
    return this.#writeChain;
  }
}
