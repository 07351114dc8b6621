// The `gateway` section: listener, auth, Control UI, HTTP endpoints and reload behaviour.
import { Type } from "@sinclair/typebox";
import { int, openObject, stringEnum, strictObject, stringList } from "./schema-helpers.js";
import { secretInputField } from "./schema-secrets.js";

const Bool = () => Type.Optional(Type.Boolean());
const Str = () => Type.Optional(Type.String());
const Int = (minimum = 0) => Type.Optional(int(minimum));
const List = () => Type.Optional(stringList());

const AuthSchema = strictObject({
  mode: Type.Optional(stringEnum(["none", "token", "password", "trusted-proxy"])),
  token: Type.Optional(secretInputField()),
  password: Type.Optional(secretInputField()),
  allowTailscale: Bool(),
  rateLimit: Type.Optional(
    strictObject({ maxAttempts: Int(1), windowMs: Int(), lockoutMs: Int(), exemptLoopback: Bool() }),
  ),
  trustedProxy: Type.Optional(
    strictObject({
      userHeader: Type.String({ minLength: 1 }),
      requiredHeaders: List(),
      allowUsers: List(),
      allowLoopback: Bool(),
    }),
  ),
});

const ControlUiSchema = strictObject({
  enabled: Bool(),
  basePath: Str(),
  root: Str(),
  embedSandbox: Type.Optional(stringEnum(["strict", "scripts", "trusted"])),
  allowExternalEmbedUrls: Bool(),
  allowedOrigins: List(),
  dangerouslyAllowHostHeaderOriginFallback: Bool(),
  allowInsecureAuth: Bool(),
  dangerouslyDisableDeviceAuth: Bool(),
});

const RemoteSchema = strictObject({
  enabled: Bool(),
  url: Str(),
  transport: Type.Optional(stringEnum(["ssh", "direct"])),
  token: Type.Optional(secretInputField()),
  password: Type.Optional(secretInputField()),
  tlsFingerprint: Str(),
  sshTarget: Str(),
  sshIdentity: Str(),
});

// Fetch limits shared by image and file inputs of the OpenAI-compatible endpoints.
const fetchLimits = {
  allowUrl: Bool(),
  urlAllowlist: List(),
  allowedMimes: List(),
  maxBytes: Int(1),
  maxRedirects: Int(),
  timeoutMs: Int(1),
};
const ImageInputsSchema = strictObject(fetchLimits);
const FileInputsSchema = strictObject({
  ...fetchLimits,
  maxChars: Int(1),
  pdf: Type.Optional(strictObject({ maxPages: Int(1), maxPixels: Int(1), minTextChars: Int() })),
});

const HttpSchema = strictObject({
  endpoints: Type.Optional(
    strictObject({
      chatCompletions: Type.Optional(
        strictObject({
          enabled: Bool(),
          maxBodyBytes: Int(1),
          maxImageParts: Int(),
          maxTotalImageBytes: Int(1),
          images: Type.Optional(ImageInputsSchema),
          /** Ours: the OpenAI `user` field selects a durable session only when this is true. */
          sessionFromUser: Bool(),
        }),
      ),
      responses: Type.Optional(
        strictObject({
          enabled: Bool(),
          maxBodyBytes: Int(1),
          maxUrlParts: Int(),
          files: Type.Optional(FileInputsSchema),
          images: Type.Optional(ImageInputsSchema),
          sessionFromUser: Bool(),
        }),
      ),
    }),
  ),
  /** Ours: browser clients (LobeChat "client mode") calling /v1 from another origin. */
  cors: Type.Optional(strictObject({ allowedOrigins: List() })),
  securityHeaders: Type.Optional(
    strictObject({
      strictTransportSecurity: Type.Optional(Type.Union([Type.String(), Type.Literal(false)])),
    }),
  ),
});

/** The `gateway` section. */
export const GatewaySchema = strictObject({
  mode: Type.Optional(stringEnum(["local", "remote"], "The gateway only starts in local mode")),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: "Default 18789" })),
  bind: Type.Optional(stringEnum(["loopback", "lan", "tailnet", "auto", "custom"])),
  customBindHost: Str(),
  auth: Type.Optional(AuthSchema),
  trustedProxies: List(),
  allowRealIpFallback: Bool(),
  tailscale: Type.Optional(strictObject({ mode: Type.Optional(stringEnum(["off", "serve", "funnel"])), resetOnExit: Bool() })),
  controlUi: Type.Optional(ControlUiSchema),
  remote: Type.Optional(RemoteSchema),
  reload: Type.Optional(
    strictObject({
      mode: Type.Optional(stringEnum(["off", "restart", "hot", "hybrid"])),
      debounceMs: Int(),
      deferralTimeoutMs: Int(),
    }),
  ),
  tls: Type.Optional(strictObject({ enabled: Bool(), autoGenerate: Bool(), certPath: Str(), keyPath: Str(), caPath: Str() })),
  http: Type.Optional(HttpSchema),
  tools: Type.Optional(strictObject({ deny: List(), allow: List() })),
  nodes: Type.Optional(
    strictObject({
      allowCommands: List(),
      denyCommands: List(),
      pairing: Type.Optional(strictObject({ autoApproveCidrs: List() })),
      browser: Type.Optional(openObject()),
    }),
  ),
  push: Type.Optional(openObject("Push relays (apns.relay {baseUrl, timeoutMs}); not checked yet")),
  webchat: Type.Optional(strictObject({ chatHistoryMaxChars: Int(1) })),
  channelHealthCheckMinutes: Int(),
  channelStaleEventThresholdMinutes: Int(1),
  channelMaxRestartsPerHour: Int(),
  maxBufferedBytes: Type.Optional(int(1, "Per-connection WebSocket send buffer cap in bytes")),
  token: Type.Optional(Type.String({ description: "Legacy; use gateway.auth.token" })),
});
