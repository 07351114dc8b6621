import { describe, expect, it } from "vitest";
import { GatewayClientError } from "../client/gateway-client.js";
import { GatewayCallError, describeGatewayFailure } from "./rpc.js";

const local = { url: "ws://127.0.0.1:18789", timeoutMs: 1000, explicitUrl: false };

function line(err: unknown, target: Parameters<typeof describeGatewayFailure>[1]["target"] = local, method = "health") {
  return describeGatewayFailure(err, { method, target });
}

describe("describeGatewayFailure", () => {
  it("unreachable: names the URL, the cause and how to start the gateway", () => {
    const err = new GatewayClientError("unreachable", "gateway not reachable at ws://127.0.0.1:18789: connection refused");
    const failure = line(err);
    expect(failure.message).toBe(
      "gateway not reachable at ws://127.0.0.1:18789 (connection refused). Start it with: openclaw gateway",
    );
    expect(failure.reason).toBe("connection refused");
    expect(failure.exitCode).toBe(1);
  });

  it("unreachable with --url points at the URL instead", () => {
    const target = { ...local, url: "ws://10.0.0.1:1", explicitUrl: true };
    const err = new GatewayClientError("unreachable", "gateway not reachable at ws://10.0.0.1:1: connection refused");
    expect(line(err, target).message).toMatch(/\(connection refused\)\. Check --url/);
  });

  it("timeout: method, budget and URL", () => {
    const err = new GatewayClientError("timeout", "health timed out after 1000ms");
    expect(line(err).message).toBe("health timed out after 1000ms (gateway at ws://127.0.0.1:18789)");
  });

  it("rejection: the gateway's message and which credential to pass", () => {
    const shape = { code: "INVALID_REQUEST", message: "unauthorized: gateway token mismatch (x)", details: { code: "AUTH_TOKEN_MISMATCH" } };
    const err = new GatewayClientError("rejected", shape.message, shape);
    expect(line(err).message).toBe(
      "gateway rejected the connection: unauthorized: gateway token mismatch (x). Pass --token or set gateway.auth.token.",
    );
    const pw = { ...shape, details: { code: "AUTH_PASSWORD_MISSING" } };
    expect(line(new GatewayClientError("rejected", "unauthorized", pw)).message).toMatch(/Pass --password/);
    const bare = line(new GatewayClientError("rejected", "unauthorized", shape), { ...local, explicitUrl: true });
    expect(bare.message).toMatch(/with --url, config and env credentials are not used/);
  });

  it("pairing required: one line with the command to run on the gateway host", () => {
    const shape = { code: "NOT_PAIRED", message: "pairing required", details: { code: "PAIRING_REQUIRED", requestId: "k3m9x2qa", reason: "not-paired", approveCommand: "openclaw devices approve k3m9x2qa" } };
    const failure = line(new GatewayClientError("rejected", shape.message, shape), { ...local, explicitUrl: true }, "connect");
    expect(failure.message).toBe("pairing required: approve this device on the gateway host with: openclaw devices approve k3m9x2qa");
    expect(failure.reason).toBe("rejected: pairing required");
    const noCommand = { ...shape, details: { code: "PAIRING_REQUIRED", requestId: "abcd1234" } };
    expect(line(new GatewayClientError("rejected", "pairing required", noCommand)).message).toMatch(/with: openclaw devices approve abcd1234$/);
  });

  it("a rotated or revoked device token says how to get a new one", () => {
    const shape = { code: "INVALID_REQUEST", message: "unauthorized: device token mismatch (rotate/reissue device token)", details: { code: "AUTH_DEVICE_TOKEN_MISMATCH" } };
    expect(line(new GatewayClientError("rejected", shape.message, shape)).message).toBe(
      "gateway rejected the connection: unauthorized: device token mismatch (rotate/reissue device token). This device's saved token was rotated or revoked and has been forgotten; pass --token (the gateway's token) to get a new one.",
    );
  });

  it("rpc errors keep the shape for callers", () => {
    const shape = { code: "INVALID_REQUEST", message: "unknown method: nope" };
    const failure = line(new GatewayClientError("rpc", shape.message, shape), local, "nope");
    expect(failure).toBeInstanceOf(GatewayCallError);
    expect(failure.kind).toBe("rpc");
    expect(failure.shape).toEqual(shape);
    expect(failure.message).toBe("nope failed: INVALID_REQUEST: unknown method: nope");
  });

  it("passes other errors through as one line", () => {
    expect(line(new Error("boom")).message).toBe("boom");
  });
});
