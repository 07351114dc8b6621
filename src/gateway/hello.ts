// Builds hello-ok (spec 1.7, wire-captures 5.2): features list only what really exists, admin-only
// snapshot fields, and `auth` per the negotiated protocol profile.
import type { HelloOk, Snapshot } from "../protocol/frames.js";
import { GatewayEvents } from "../protocol/events.js";
import { Scopes, hasScope } from "../protocol/scopes.js";
import type { GatewayServices } from "./services.js";
import type { ConnectAuthResult } from "./ws/connect-auth.js";
import { MAX_PAYLOAD_BYTES, type WsConnection, type WsSettings } from "./ws/connection.js";

export const SERVER_EVENTS: string[] = Object.values(GatewayEvents);

export function buildSnapshot(gw: GatewayServices, scopes: readonly string[]): Snapshot {
  const snapshot: Snapshot = {
    presence: gw.presence.list(),
    health: gw.health.cached() ?? {},
    stateVersion: { presence: gw.presence.version, health: gw.health.version },
    uptimeMs: Date.now() - gw.startedAt,
    sessionDefaults: gw.sessionDefaults(),
  };
  if (hasScope(scopes, Scopes.admin)) {
    snapshot.configPath = gw.configPath;
    snapshot.stateDir = gw.stateDir;
    snapshot.authMode = gw.auth().mode;
  }
  return snapshot;
}

export function buildHello(gw: GatewayServices, conn: WsConnection, auth: ConnectAuthResult & { ok: true }, settings: WsSettings): HelloOk {
  const hello: HelloOk = {
    type: "hello-ok",
    protocol: conn.profile.version,
    server: { version: gw.version, connId: conn.id, bootId: gw.bootId },
    features: { methods: gw.methods.names(), events: SERVER_EVENTS, capabilities: [] },
    snapshot: buildSnapshot(gw, conn.scopes),
    policy: { maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: settings.maxBufferedBytes, tickIntervalMs: settings.tickIntervalMs },
  };
  if (auth.deviceToken || conn.profile.helloAuthAlways) {
    hello.auth = { method: auth.method, role: conn.role, scopes: [...conn.scopes] };
    if (auth.deviceToken) {
      hello.auth.deviceToken = auth.deviceToken.token;
      hello.auth.issuedAtMs = auth.deviceToken.issuedAtMs;
    }
  }
  return hello;
}
