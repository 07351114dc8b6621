import { describe, expect, it } from "vitest";
import { describeTlsFailure, formatFingerprint, normalizeFingerprint, TlsTrustError } from "./tls-pin.js";

describe("fingerprints", () => {
  const hex = "0123456789abcdef".repeat(4);
  it("accepts colon, plain, upper/lower case and sha256: prefixed forms", () => {
    const colons = formatFingerprint(hex);
    expect(colons).toBe("01:23:45:67:89:AB:CD:EF:".repeat(4).slice(0, -1));
    for (const v of [hex, hex.toUpperCase(), colons, colons.toLowerCase(), `sha256:${colons}`, `SHA-256=${hex}`, ` ${colons} `]) expect(normalizeFingerprint(v), v).toBe(hex);
  });
  it("rejects anything else (short, SHA-1 length, non-hex)", () => {
    for (const v of ["", "abc", "ab:".repeat(20), `${hex}00`, hex.replace("0", "g")]) expect(normalizeFingerprint(v), v).toBeUndefined();
  });
});

describe("describeTlsFailure", () => {
  it("turns certificate trust errors into the one line, and leaves network errors alone", () => {
    const selfSigned = Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(describeTlsFailure("wss://h:1", selfSigned)?.message).toMatch(/^TLS certificate of wss:\/\/h:1 is not trusted \(self-signed certificate\); .*gateway\.remote\.tlsFingerprint/);
    expect(describeTlsFailure("wss://h:1", Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBeUndefined();
    const pinned = new TlsTrustError("mismatch");
    expect(describeTlsFailure("wss://h:1", pinned)).toBe(pinned);
  });
});
