// The one declaration of the config file's shape. Validation, the inferred OpenClawConfig type
// and `openclaw config schema` all come from it, so they cannot drift apart.
import { Type, type Static } from "@sinclair/typebox";
import { AgentsSchema, BindingsSchema, ModelsSchema } from "./schema-agents.js";
import { ChannelsSchema } from "./schema-channels.js";
import { GatewaySchema } from "./schema-gateway.js";
import { int, openObject, stringEnum, strictObject, stringList } from "./schema-helpers.js";
import { SECRET_INPUT_DEFINITIONS, secretInputField, SecretsSchema } from "./schema-secrets.js";

export { SecretInputSchema, SecretRefSchema, type SecretInput, type SecretRef } from "./schema-secrets.js";

const Str = () => Type.Optional(Type.String());
const Bool = () => Type.Optional(Type.Boolean());

const LogLevel = () => Type.Optional(stringEnum(["silent", "fatal", "error", "warn", "info", "debug", "trace"]));

// Sections whose contents are accepted unchecked for now; later work gives each its own
// strict schema. Listing them keeps unknown top-level keys (typos) an error meanwhile.
const UNCHECKED_SECTIONS = [
  "plugins", "skills", "tools", "talk", "discovery", "canvasHost", "ui", "identity",
  "wizard", "diagnostics", "audio", "browser", "routing", "web", "memory", "mcp", "agent",
  "approvals", "media",
] as const;

const uncheckedSection = () => Type.Optional(openObject("Not validated in detail yet"));
const uncheckedSections = Object.fromEntries(UNCHECKED_SECTIONS.map((name) => [name, uncheckedSection()])) as Record<
  (typeof UNCHECKED_SECTIONS)[number],
  ReturnType<typeof uncheckedSection>
>;

/** Schema of `openclaw.json` (after `$include` and `${VAR}` resolution). */
export const OpenClawConfigSchema = strictObject(
  {
    $schema: Str(),
    meta: Type.Optional(strictObject({ lastTouchedVersion: Str(), lastTouchedAt: Str() })),
    env: Type.Optional(
      Type.Object(
        {
          vars: Type.Optional(Type.Record(Type.String(), Type.String())),
          shellEnv: Type.Optional(strictObject({ enabled: Bool(), timeoutMs: Type.Optional(int(1)) })),
        },
        { additionalProperties: Type.String(), description: "Other keys are inline env vars" },
      ),
    ),
    gateway: Type.Optional(GatewaySchema),
    logging: Type.Optional(
      strictObject({
        level: LogLevel(),
        file: Str(),
        maxFileBytes: Type.Optional(int(1)),
        consoleLevel: LogLevel(),
        consoleStyle: Type.Optional(stringEnum(["pretty", "compact", "json"])),
        redactSensitive: Type.Optional(stringEnum(["off", "tools"])),
        redactPatterns: Type.Optional(stringList()),
      }),
    ),
    session: Type.Optional(strictObject({ scope: Type.Optional(stringEnum(["per-sender", "global"])), mainKey: Str() })),
    agents: Type.Optional(AgentsSchema),
    models: Type.Optional(ModelsSchema),
    secrets: Type.Optional(SecretsSchema),
    hooks: Type.Optional(
      strictObject({
        enabled: Bool(),
        token: Type.Optional(secretInputField()),
        path: Str(),
        maxBodyBytes: Type.Optional(int(1)),
        allowRequestSessionKey: Bool(),
        allowedSessionKeyPrefixes: Type.Optional(stringList()),
        allowedAgentIds: Type.Optional(stringList()),
        defaultSessionKey: Str(),
        mappings: Type.Optional(Type.Array(openObject())),
        transformsDir: Str(),
        presets: Type.Optional(stringList()),
        gmail: Type.Optional(openObject()),
      }),
    ),
    cron: Type.Optional(
      strictObject({
        enabled: Type.Optional(Type.Boolean({ description: "false: jobs are kept but never fire on their own (default true)" })),
        store: Type.Optional(Type.String({ description: "jobs file (default <stateDir>/cron/jobs.json)" })),
        maxConcurrentRuns: Type.Optional(int(1, "cron runs at once (default 1)")),
        runLog: Type.Optional(
          strictObject({
            keepLines: Type.Optional(int(1, "entries kept per job history (default 200)")),
            maxBytes: Type.Optional(int(1024, "a history file over this size is cut to keepLines (default 2 MiB)")),
          }),
        ),
      }),
    ),
    update: Type.Optional(strictObject({ checkOnStart: Bool(), channel: Str(), auto: Type.Optional(openObject()) })),
    telemetry: Type.Optional(strictObject({ enabled: Bool() })),
    commands: Type.Optional(openObject()),
    messages: Type.Optional(openObject()),
    bindings: Type.Optional(BindingsSchema),
    channels: Type.Optional(ChannelsSchema),
    ...uncheckedSections,
  },
  { title: "OpenClaw config", definitions: SECRET_INPUT_DEFINITIONS },
);

/** The validated config. */
export type OpenClawConfig = Static<typeof OpenClawConfigSchema>;

/** The config schema as plain JSON Schema (draft-07), for `openclaw config schema` and editors. */
export function configJsonSchema(): Record<string, unknown> {
  // The JSON round trip drops TypeBox's symbol-keyed metadata.
  const plain = JSON.parse(JSON.stringify(OpenClawConfigSchema)) as Record<string, unknown>;
  return { $schema: "http://json-schema.org/draft-07/schema#", ...plain, title: "OpenClaw config" };
}
