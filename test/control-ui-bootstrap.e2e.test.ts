// One-time Control UI links: `openclaw dashboard` gets a single-use token from the running gateway;
// a browser UI presenting it with a signed device identity is paired and receives its own device
// token; the link then no longer works. Driven with real sockets and the built CLI.
import { afterEach, describe, expect, it } from "vitest";
import { DeviceIdentity, generateIdentity, signConnectDevice } from "../src/client/device-identity.js";
import { runCli } from "./helpers/cli-process.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { freePort, localConfig, TEST_TOKEN } from "./helpers/temp-state.js";
import { connectParams, connectProbe, openProbe, type Probe } from "./helpers/ws-probe.js";

let gw: RunningGateway | undefined;
const probes: Probe[] = [];
afterEach(async () => {
  probes.splice(0).forEach((p) => p.close());
  await gw?.stop();
  gw = undefined;
});

async function start() {
  const port = await freePort();
  // The browser's origin is allowed explicitly, as a remote deployment must do.
  gw = await startGateway(localConfig({}, { port, trustedProxies: ["127.0.0.1"], controlUi: { allowedOrigins: [`http://127.0.0.1:${port}`] } }), { cli: { port } });
  return gw;
}

/** Connects the way the Control UI does: its client id, mode ui, an Origin, a signed device. */
async function uiConnect(g: RunningGateway, dev: DeviceIdentity, auth: Record<string, string>, opts: { headers?: Record<string, string>; tamper?: boolean } = {}) {
  const probe = await openProbe(g.url, { Origin: `http://127.0.0.1:${g.gateway.port}`, ...opts.headers });
  probes.push(probe);
  const nonce = (await probe.challenge).payload.nonce;
  const params = connectParams({
    client: { id: "openclaw-control-ui", displayName: "Control UI", version: "test", platform: "web", mode: "ui" },
    scopes: ["operator.read", "operator.write"],
    auth,
  });
  params.device = signConnectDevice(params as any, nonce, dev);
  if (opts.tamper) params.device.signature = Buffer.from("x".repeat(64)).toString("base64url");
  return { probe, res: await probe.request("connect", params, "c1") };
}

async function mint(g: RunningGateway) {
  const { probe, res } = await connectProbe(g.url, connectParams({ auth: { token: TEST_TOKEN } }));
  probes.push(probe);
  expect(res.ok).toBe(true);
  const minted = await probe.request("controlUi.bootstrap", {});
  expect(minted.ok).toBe(true);
  return minted.payload.token as string;
}

describe("one-time Control UI links", () => {
  it("openclaw dashboard prints a one-time link; it pairs one browser once, then its device token works", async () => {
    const g = await start();
    const res = await runCli(["dashboard", "--no-open", "--json"], g.state.env);
    expect(res.code, res.output).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ oneTime: true, tokenIncluded: true });
    const token = decodeURIComponent(/#token=(.+)$/.exec(out.openUrl)![1]!);
    expect(token).toMatch(/^ocb_/);
    expect(out.openUrl).not.toContain(TEST_TOKEN);

    const dev = new DeviceIdentity(generateIdentity());
    // A bad signature is refused and does not spend the link.
    expect((await uiConnect(g, dev, { token }, { tamper: true })).res.ok).toBe(false);
    const first = await uiConnect(g, dev, { token });
    expect(first.res.ok, JSON.stringify(first.res.error)).toBe(true);
    const deviceToken = first.res.payload.auth.deviceToken;
    expect(deviceToken).toEqual(expect.any(String));

    const again = await uiConnect(g, new DeviceIdentity(generateIdentity()), { token });
    expect(again.res.ok).toBe(false);
    expect(again.res.error).toMatchObject({ message: "control UI link expired or already used; run openclaw dashboard for a new one", details: { code: "AUTH_BOOTSTRAP_TOKEN_INVALID" } });

    const later = await uiConnect(g, dev, { deviceToken });
    expect(later.res.ok).toBe(true);
    expect(later.res.payload.auth.method ?? "device").toBe("device");
  });

  it("stands in for pairing approval for a browser that is not local; a guessed token does not", async () => {
    const g = await start();
    const remote = { "X-Forwarded-For": "203.0.113.9" };
    const guessed = await uiConnect(g, new DeviceIdentity(generateIdentity()), { token: "ocb_guessed" }, { headers: remote });
    expect(guessed.res.ok).toBe(false);
    const token = await mint(g);
    const ok = await uiConnect(g, new DeviceIdentity(generateIdentity()), { token }, { headers: remote });
    expect(ok.res.ok, JSON.stringify(ok.res.error)).toBe(true);
  });

  it("also takes the reference's auth.bootstrapToken field, with the reference's refusal", async () => {
    const g = await start();
    const token = await mint(g);
    const dev = new DeviceIdentity(generateIdentity());
    const viaField = async () => {
      const probe = await openProbe(g.url);
      probes.push(probe);
      const nonce = (await probe.challenge).payload.nonce;
      const params = connectParams({ auth: { bootstrapToken: token }, scopes: ["operator.read"] });
      params.device = signConnectDevice(params as any, nonce, dev);
      return probe.request("connect", params, "c1");
    };
    expect((await viaField()).ok).toBe(true);
    const reused = await viaField();
    expect(reused.error).toMatchObject({ message: "unauthorized: bootstrap token invalid or expired (scan a fresh setup code)", details: { code: "AUTH_BOOTSTRAP_TOKEN_INVALID" } });
  });

  it("needs operator.admin to mint", async () => {
    const g = await start();
    const dev = new DeviceIdentity(generateIdentity());
    const token = await mint(g);
    const ui = await uiConnect(g, dev, { token });
    expect(ui.res.ok).toBe(true);
    const denied = await ui.probe.request("controlUi.bootstrap", {});
    expect(denied.ok).toBe(false);
  });
});
