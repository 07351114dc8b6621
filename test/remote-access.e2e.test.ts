// Remote access end to end: TLS on the gateway's one port (auto-generated, reused, replaced when
// expired), the CLI pinning the certificate fingerprint (built CLI as a child process), a pin
// mismatch refused before any byte is sent, and the CLI reaching a gateway through a loopback
// port forward (standing in for `ssh -N -L`) with gateway.remote.url.
import { X509Certificate } from "node:crypto";
import fs from "node:fs/promises";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";
import { generate } from "selfsigned";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayClient } from "../src/client/gateway-client.js";
import { createGateway, type Gateway } from "../src/gateway/gateway.js";
import { createLogger } from "../src/logging/logger.js";
import { runCli } from "./helpers/cli-process.js";
import { freePort, localConfig, makeTempState, TEST_TOKEN, type TempState } from "./helpers/temp-state.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempState(config?: unknown): Promise<TempState> {
  const state = await makeTempState(config);
  cleanups.push(() => state.cleanup());
  return state;
}

/** A gateway on a fixed free port (so the CLI finds it through the config), in this process. */
async function startOn(state: TempState, port: number): Promise<Gateway> {
  const logger = createLogger({ dir: state.logDir, console: false, level: "debug" });
  const gateway = createGateway({ configPath: state.configPath, stateDir: state.stateDir, env: state.env, cli: { port }, lock: false, logger });
  await gateway.start();
  cleanups.push(async () => {
    await gateway.stop();
    await logger.close();
  });
  return gateway;
}

async function tlsGateway(tlsConfig: Record<string, unknown> = { enabled: true }) {
  const port = await freePort();
  const state = await tempState(localConfig({}, { port, tls: tlsConfig }));
  const gateway = await startOn(state, port);
  return { state, gateway, port };
}

/** A second machine's CLI config: only gateway.remote (the gateway's token is not here). */
async function clientState(remote: Record<string, unknown>) {
  return tempState({ gateway: { mode: "remote", remote } });
}

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

const other = "AA:".repeat(31) + "AA";

describe("TLS on the gateway port", () => {
  it("autoGenerate writes a self-signed certificate (key 0600), serves https and wss on the one port", async () => {
    const { state, gateway, port } = await tlsGateway();
    const dir = path.join(state.stateDir, "gateway", "tls");
    const keyStat = await fs.stat(path.join(dir, "gateway-key.pem"));
    expect(keyStat.mode & 0o777).toBe(0o600);
    const cert = await fs.readFile(path.join(dir, "gateway-cert.pem"));
    expect(gateway.url).toBe(`wss://127.0.0.1:${port}`);
    expect(gateway.tls?.info.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    // The self-signed certificate is its own CA: https with it verifies (name 127.0.0.1 included).
    const health = await httpsGet(`https://127.0.0.1:${port}/health`, cert);
    expect(health).toEqual({ status: 200, body: JSON.stringify({ ok: true, status: "live" }) });
    await expect(httpsGet(`https://127.0.0.1:${port}/health`, Buffer.from(""))).rejects.toThrow(/self[- ]signed/i);

    // wss with the pin: a full connect.
    const client = await GatewayClient.connect({ url: gateway.url, token: TEST_TOKEN, tlsFingerprint: gateway.tls!.info.fingerprint, clientId: "cli", clientMode: "cli" });
    expect(client.hello.type).toBe("hello-ok");
    await client.close();
    // The fingerprint is logged at start.
    await gateway.logger.flush();
    const logs = await Promise.all((await fs.readdir(state.logDir)).map((f) => fs.readFile(path.join(state.logDir, f), "utf8")));
    expect(logs.join("\n")).toContain(`TLS certificate SHA-256 fingerprint: ${gateway.tls!.info.fingerprint}`);
  });

  it("the generated certificate is reused across restarts and replaced once expired", async () => {
    const port = await freePort();
    const state = await tempState(localConfig({}, { port, tls: { enabled: true } }));
    const first = await startOn(state, port);
    const fp = first.tls!.info.fingerprint;
    await first.restart("test");
    expect(first.tls!.info.fingerprint).toBe(fp);
    await first.stop();
    const second = await startOn(state, port);
    expect(second.tls!.info.fingerprint).toBe(fp);
    expect(second.tls!.generated).toBe(false);
    await second.stop();

    // An expired certificate in the managed place is ours: replaced on the next start.
    const old = await generate([{ name: "commonName", value: "old" }], {
      keyType: "ec", algorithm: "sha256", notBeforeDate: new Date(Date.now() - 10 * 86_400_000), notAfterDate: new Date(Date.now() - 86_400_000),
    });
    const dir = path.join(state.stateDir, "gateway", "tls");
    await fs.writeFile(path.join(dir, "gateway-cert.pem"), old.cert);
    await fs.writeFile(path.join(dir, "gateway-key.pem"), old.private, { mode: 0o600 });
    const third = await startOn(state, port);
    expect(third.tls!.generated).toBe(true);
    expect(third.tls!.info.fingerprint).not.toBe(fp);
    expect(third.tls!.info.validTo.getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
  });

  it("explicit certPath/keyPath are served as given; a missing file without autoGenerate refuses to start", async () => {
    const root = await tempState();
    const pems = await generate([{ name: "commonName", value: "ops-provided" }], { keyType: "ec", algorithm: "sha256", extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }] });
    await fs.writeFile(path.join(root.root, "cert.pem"), pems.cert);
    await fs.writeFile(path.join(root.root, "key.pem"), pems.private, { mode: 0o600 });
    const { gateway, port } = await tlsGateway({ enabled: true, certPath: path.join(root.root, "cert.pem"), keyPath: path.join(root.root, "key.pem") });
    expect(gateway.tls!.generated).toBe(false);
    expect((await httpsGet(`https://127.0.0.1:${port}/healthz`, Buffer.from(pems.cert))).status).toBe(200);

    const missing = await tempState(localConfig({}, { tls: { enabled: true, autoGenerate: false, certPath: "nope-cert.pem", keyPath: "nope-key.pem" } }));
    const r = await runCli(["gateway", "--port", String(await freePort())], missing.env);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`gateway.tls.certPath: cannot use ${path.join(missing.stateDir, "nope-cert.pem")}: file not found`);
  });
});

describe("the CLI against a TLS gateway (built CLI)", () => {
  it("health succeeds with gateway.remote.tlsFingerprint pinned; a wrong pin is refused with both fingerprints", async () => {
    const { gateway, port } = await tlsGateway();
    const fp = gateway.tls!.info.fingerprint;
    const url = `wss://127.0.0.1:${port}`;
    const good = await clientState({ url, token: TEST_TOKEN, tlsFingerprint: fp.toLowerCase().replace(/:/g, "") });
    const ok = await runCli(["health", "--json"], good.env);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).ok).toBe(true);

    const bad = await clientState({ url, token: TEST_TOKEN, tlsFingerprint: other });
    const refused = await runCli(["health"], bad.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toEqual([
      `TLS fingerprint mismatch for ${url}: gateway.remote.tlsFingerprint is ${other} but the gateway presented ${fp}; refusing to connect`,
    ]);
  });

  it("without a pin the self-signed certificate fails with one line naming gateway.remote.tlsFingerprint and gateway status", async () => {
    const { port } = await tlsGateway();
    const unpinned = await clientState({ url: `wss://127.0.0.1:${port}`, token: TEST_TOKEN });
    const r = await runCli(["health"], unpinned.env);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`TLS certificate of wss://127.0.0.1:${port} is not trusted (self-signed certificate)`);
    expect(lines[0]).toContain("set gateway.remote.tlsFingerprint");
    expect(lines[0]).toContain("`openclaw gateway status` on the gateway host");
  });

  it("on the gateway host, status shows the fingerprint and the CLI pins its own certificate from the file", async () => {
    const { state, gateway } = await tlsGateway();
    const status = await runCli(["gateway", "status"], state.env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`TLS: on, SHA-256 fingerprint ${gateway.tls!.info.fingerprint} (${gateway.tls!.certPath}`);
    expect(status.stdout).toMatch(/Probe target: wss:\/\/127\.0\.0\.1:\d+/);
    expect(status.stdout).toContain("RPC probe: ok");
    const json = JSON.parse((await runCli(["gateway", "status", "--json", "--no-probe"], state.env)).stdout);
    expect(json.gateway.tls).toMatchObject({ enabled: true, fingerprintSha256: gateway.tls!.info.fingerprint });
    expect((await runCli(["health"], state.env)).code).toBe(0);
  });
});

describe("pinning happens before anything is sent", () => {
  it("a server with another certificate receives not one byte after the handshake", async () => {
    const pems = await generate([{ name: "commonName", value: "impostor" }], { keyType: "ec", algorithm: "sha256" });
    let received = 0;
    const server = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => {
      socket.on("data", (d) => (received += d.length));
      socket.on("error", () => {});
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as net.AddressInfo).port;
    const url = `wss://127.0.0.1:${port}`;
    const err = await GatewayClient.connect({ url, token: "secret-that-must-not-leak", tlsFingerprint: other, connectTimeoutMs: 3000 }).catch((e) => e);
    expect(err.kind).toBe("tls");
    expect(err.message).toContain(`gateway presented ${new X509Certificate(pems.cert).fingerprint256};`);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toBe(0);
    // A malformed pin is refused before connecting at all.
    const bad = await GatewayClient.connect({ url, tlsFingerprint: "not-a-fingerprint" }).catch((e) => e);
    expect(bad.message).toBe('gateway.remote.tlsFingerprint "not-a-fingerprint" is not a SHA-256 fingerprint (64 hex digits, colons optional)');
  });
});

describe("through a port forward (ssh -N -L stand-in)", () => {
  /** Pipes every connection on a new loopback port to the gateway's port, like `ssh -N -L`. */
  async function forward(targetPort: number): Promise<number> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((inbound) => {
      const outbound = net.connect(targetPort, "127.0.0.1");
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => sockets.delete(s));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => r());
    }));
    return (server.address() as net.AddressInfo).port;
  }

  it("the CLI uses gateway.remote.url/token through the forward; the gateway sees a loopback peer", async () => {
    const port = await freePort();
    const gwState = await tempState(localConfig({}, { port }));
    const gateway = await startOn(gwState, port);
    const local = await forward(port);
    const client = await clientState({ url: `ws://127.0.0.1:${local}`, token: TEST_TOKEN });
    const r = await runCli(["health", "--json"], client.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // Loopback peer without proxy headers: the CLI's new device was paired silently, as a local one.
    const devices = await gateway.devices.list();
    expect(devices.map((d) => d.clientId)).toContain("cli");
    // A wrong remote token is refused through the forward like anywhere else.
    const wrong = await clientState({ url: `ws://127.0.0.1:${local}`, token: "wrong-token" });
    const refused = await runCli(["health"], wrong.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("gateway token mismatch");
  });

  it("wss through the forward keeps the pin (the tunnel does not change the certificate)", async () => {
    const { gateway, port } = await tlsGateway();
    const local = await forward(port);
    const client = await clientState({ url: `wss://127.0.0.1:${local}`, token: TEST_TOKEN, tlsFingerprint: gateway.tls!.info.fingerprint });
    const r = await runCli(["health"], client.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
