import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generate } from "selfsigned";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StartupGuardError } from "../../errors.js";
import { resolveTlsPaths } from "./certificate-info.js";
import { loadGatewayTls } from "./load-tls.js";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "openclaw-tls-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
const where = () => ({ stateDir: path.join(dir, "state"), configPath: path.join(dir, "cfg", "openclaw.json"), env: { HOME: path.join(dir, "home") } });

describe("resolveTlsPaths", () => {
  it("is off unless enabled; defaults under the state dir; relative to the config dir; ~ is HOME", () => {
    expect(resolveTlsPaths(undefined, where())).toBeUndefined();
    expect(resolveTlsPaths({ autoGenerate: true }, where())).toBeUndefined();
    expect(resolveTlsPaths({ enabled: true }, where())).toEqual({
      certPath: path.join(dir, "state", "gateway", "tls", "gateway-cert.pem"),
      keyPath: path.join(dir, "state", "gateway", "tls", "gateway-key.pem"),
      autoGenerate: true,
      managed: true,
    });
    expect(resolveTlsPaths({ enabled: true, certPath: "c.pem", keyPath: "~/k.pem", caPath: "/etc/ca.pem", autoGenerate: false }, where())).toEqual({
      certPath: path.join(dir, "cfg", "c.pem"),
      keyPath: path.join(dir, "home", "k.pem"),
      caPath: "/etc/ca.pem",
      autoGenerate: false,
      managed: false,
    });
  });
});

describe("loadGatewayTls refuses bad material with one line", () => {
  async function write(name: string, text: string) {
    const file = path.join(dir, name);
    await fs.writeFile(file, text);
    return file;
  }
  const lines = async (p: Promise<unknown>) => {
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(StartupGuardError);
    return (err as StartupGuardError).lines;
  };

  it("TLS on, no paths, autoGenerate off", async () => {
    expect(await lines(loadGatewayTls({ enabled: true, autoGenerate: false }, where()))).toEqual([
      "gateway.tls.enabled requires gateway.tls.certPath and gateway.tls.keyPath, or gateway.tls.autoGenerate=true",
    ]);
  });

  it("a certificate file that is not PEM, and a key that does not belong to the certificate", async () => {
    const a = await generate(undefined, { keyType: "ec", algorithm: "sha256" });
    const b = await generate(undefined, { keyType: "ec", algorithm: "sha256" });
    const junk = await write("junk.pem", "hello");
    const key = await write("key.pem", a.private);
    expect((await lines(loadGatewayTls({ enabled: true, certPath: junk, keyPath: key }, where())))[0]).toMatch(/^gateway\.tls\.certPath: cannot use .*junk\.pem: not a PEM certificate/);
    const certB = await write("b.pem", b.cert);
    expect((await lines(loadGatewayTls({ enabled: true, certPath: certB, keyPath: key }, where())))[0]).toMatch(/^gateway\.tls\.keyPath: cannot use .*key\.pem: .*key values mismatch/);
    // An operator's files are never replaced, even with autoGenerate on: only a missing pair is created.
    expect((await lines(loadGatewayTls({ enabled: true, certPath: certB, keyPath: path.join(dir, "missing-key.pem") }, where())))[0]).toMatch(/keyPath: cannot use .*missing-key\.pem: file not found/);
    expect(await fs.readFile(certB, "utf8")).toBe(b.cert);
  });

  it("an expired operator certificate is served with a warning, not replaced", async () => {
    const old = await generate(undefined, { keyType: "ec", algorithm: "sha256", notBeforeDate: new Date(Date.now() - 5 * 86_400_000), notAfterDate: new Date(Date.now() - 86_400_000) });
    const cert = await write("old.pem", old.cert);
    const key = await write("old-key.pem", old.private);
    const loaded = await loadGatewayTls({ enabled: true, certPath: cert, keyPath: key }, where());
    expect(loaded?.generated).toBe(false);
    expect(loaded?.warnings[0]).toMatch(/old\.pem expired on/);
  });
});
