import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { renderList, resolveDeviceId } from "./devices.js";

const A = `abcd${"0".repeat(60)}`;
const B = `abce${"1".repeat(60)}`;

describe("resolveDeviceId", () => {
  it("takes a full id or a unique prefix, and says what to do otherwise", () => {
    const paired = [{ deviceId: A }, { deviceId: B }];
    expect(resolveDeviceId(A.toUpperCase(), paired)).toBe(A);
    expect(resolveDeviceId("abcd", paired)).toBe(A);
    expect(() => resolveDeviceId("abc", paired)).toThrow(/too short.*openclaw devices list/);
    expect(() => resolveDeviceId("abcf", paired)).toThrow(/no paired device matches "abcf"/);
    expect(() => resolveDeviceId("abc0", [{ deviceId: `abc0${"1".repeat(60)}` }, { deviceId: `abc0${"2".repeat(60)}` }])).toThrow(/matches 2 devices/);
    expect(() => resolveDeviceId("zzzz", paired)).toThrow(CliError);
  });
});

describe("renderList", () => {
  it("one line per request and per device, with the approve command", () => {
    const now = 1_000_000;
    const lines = renderList(
      {
        pending: [
          { requestId: "k3m9x2qa", deviceId: B, role: "operator", scopes: ["operator.read"], clientId: "openclaw-ios", clientMode: "ui", platform: "iOS", deviceFamily: "iPhone", displayName: "Ann's phone", remoteAddress: "203.0.113.5", reason: "not-paired", createdAtMs: now - 1000, expiresAtMs: now + 120_000 },
        ],
        paired: [
          { deviceId: A, clientId: "cli", platform: "linux", roles: ["operator"], scopes: ["operator.admin", "operator.read"], pairedAtMs: 1, lastSeenAtMs: now - 5000, tokens: [{ role: "operator", scopes: ["operator.admin"], issuedAtMs: 1 }] },
        ],
      },
      now,
      A,
    );
    expect(lines).toEqual([
      "Pending (1), approve with: openclaw devices approve <requestId>",
      `  k3m9x2qa  Ann's phone openclaw-ios iOS/iPhone  device ${B.slice(0, 12)}  role=operator scopes=read  not-paired from 203.0.113.5  expires in 2m`,
      "Paired (1):",
      `  ${A.slice(0, 12)}  cli linux  roles=operator scopes=admin,read tokens=operator  last seen 5s ago  (this device)`,
    ]);
    expect(renderList({ pending: [], paired: [] }, now)).toEqual(["No pending pairing requests.", "No paired devices."]);
  });
});
