// The few places protocol 3 and 4 differ, held as data so handlers never branch on versions.
import { ErrorCodes, GatewayError, Messages } from "../errors.js";

export const MIN_PROTOCOL = 3;
export const MAX_PROTOCOL = 4;

export interface ProtocolProfile {
  readonly version: 3 | 4;
  /** v4 stamps seq per connection; v3 uses one global counter. */
  readonly seqScope: "connection" | "global";
  /** v4 always sends hello-ok.auth; v3 only when a device token is issued. */
  readonly helloAuthAlways: boolean;
  /** What the client should wait for the challenge (the server cannot know the version yet). */
  readonly challengeTimeoutMs: number;
  readonly supportsCancel: boolean;
  missingScopeError(scope: string): GatewayError;
}

const V3: ProtocolProfile = {
  version: 3,
  seqScope: "global",
  helloAuthAlways: false,
  challengeTimeoutMs: 10_000,
  supportsCancel: false,
  missingScopeError: (scope) => new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.missingScope(scope)),
};

const V4: ProtocolProfile = {
  version: 4,
  seqScope: "connection",
  helloAuthAlways: true,
  challengeTimeoutMs: 15_000,
  supportsCancel: true,
  missingScopeError: (scope) =>
    new GatewayError(ErrorCodes.FORBIDDEN, Messages.missingScope(scope), {
      details: { code: "MISSING_SCOPE", missingScope: scope, requiredScopes: [scope] },
    }),
};

/** The highest common version of [min, max] and [3, 4], or null when they do not overlap. */
export function negotiateProtocol(minProtocol: number, maxProtocol: number): ProtocolProfile | null {
  if (maxProtocol < MIN_PROTOCOL || minProtocol > MAX_PROTOCOL || minProtocol > maxProtocol) return null;
  return Math.min(maxProtocol, MAX_PROTOCOL) >= 4 ? V4 : V3;
}

export function profileFor(version: number): ProtocolProfile {
  return version >= 4 ? V4 : V3;
}
