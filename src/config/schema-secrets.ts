// Secret references and the `secrets` section: where a credential can come from instead of
// being written into the config file.
import { Type, type Static } from "@sinclair/typebox";
import { stringEnum, strictObject, stringList } from "./schema-helpers.js";

const PROVIDER_ALIAS = "^[a-z][a-z0-9_-]{0,63}$";
const ENV_NAME = "^[A-Z][A-Z0-9_]{0,127}$";
// A file id is an absolute JSON pointer, or "value" for a singleValue provider (spec 5.4).
const FILE_ID = "^(?:/.*|value)$";
// Exec ids are path-like; "." and ".." segments are refused so a resolver cannot be walked around.
const EXEC_ID = "^(?!(?:.*/)?\\.{1,2}(?:/|$))[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$";

function secretRefFor<S extends "env" | "file" | "exec">(source: S, idPattern: string, idDescription: string) {
  return strictObject({
    source: Type.Literal(source),
    provider: Type.String({ pattern: PROVIDER_ALIAS, description: "Alias under secrets.providers" }),
    id: Type.String({ pattern: idPattern, description: idDescription }),
  });
}

/** A pointer to a secret held outside the config: `{ source, provider, id }`. */
export const SecretRefSchema = Type.Union(
  [
    secretRefFor("env", ENV_NAME, "Environment variable name"),
    secretRefFor("file", FILE_ID, 'Absolute JSON pointer into the file, or "value" in singleValue mode'),
    secretRefFor("exec", EXEC_ID, "Id passed to the exec resolver"),
  ],
  { description: "Secret reference" },
);
export type SecretRef = Static<typeof SecretRefSchema>;

/** A secret given inline (string) or by reference. */
export const SecretInputSchema = Type.Union([Type.String(), SecretRefSchema], {
  description: "Secret value or secret reference",
});
export type SecretInput = Static<typeof SecretInputSchema>;

/** Where OpenClawConfigSchema keeps the shared SecretInput definition. */
export const SECRET_INPUT_DEFINITIONS = { SecretInput: SecretInputSchema };

/**
 * A SecretInput field inside the config schema. It points at the root's shared definition
 * instead of repeating the union, which keeps ajv's generated validator several times smaller
 * (and its compile faster); it only resolves inside OpenClawConfigSchema.
 */
export function secretInputField() {
  return Type.Unsafe<SecretInput>({ $ref: "#/definitions/SecretInput" });
}

const MAX_TIMEOUT_MS = 120_000;
const MAX_BYTES = 20 * 1024 * 1024;
const timeoutField = (description: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TIMEOUT_MS, description }));
const bytesField = (description: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BYTES, description }));

const SecretProviderSchema = Type.Union([
  strictObject({
    source: Type.Literal("env"),
    allowlist: Type.Optional(Type.Array(Type.String({ pattern: ENV_NAME }), { description: "Only these variables may be read" })),
  }),
  strictObject({
    source: Type.Literal("file"),
    path: Type.String({ minLength: 1, description: "Absolute path (or ~/...) of the secrets file" }),
    mode: Type.Optional(stringEnum(["json", "singleValue"])),
    timeoutMs: timeoutField("Read timeout (default 5000)"),
    maxBytes: bytesField("Largest file accepted (default 1 MiB)"),
    allowInsecurePath: Type.Optional(Type.Boolean({ description: "Skip the ownership and permission checks" })),
  }),
  strictObject({
    source: Type.Literal("exec"),
    command: Type.String({ minLength: 1, pattern: "^/", description: "Absolute path of the resolver" }),
    args: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 128 })),
    timeoutMs: timeoutField("Whole-run timeout (default 5000)"),
    noOutputTimeoutMs: timeoutField("Timeout without any output (default timeoutMs)"),
    maxOutputBytes: bytesField("Largest stdout + stderr accepted (default 1 MiB)"),
    jsonOnly: Type.Optional(Type.Boolean({ description: "false: a single id may be answered with plain stdout" })),
    env: Type.Optional(Type.Record(Type.String(), Type.String(), { description: "Literal variables for the resolver" })),
    passEnv: Type.Optional(Type.Array(Type.String({ pattern: ENV_NAME }), { description: "Environment variables passed to the resolver" })),
    allowSymlinkCommand: Type.Optional(Type.Boolean()),
    trustedDirs: Type.Optional(stringList("The resolved command must lie inside one of these")),
    allowInsecurePath: Type.Optional(Type.Boolean({ description: "Skip the ownership and permission checks" })),
  }),
]);
export type SecretProviderConfig = Static<typeof SecretProviderSchema>;

/** The `secrets` section: named providers and the default alias per source. */
export const SecretsSchema = strictObject({
  providers: Type.Optional(Type.Record(Type.String(), SecretProviderSchema)),
  defaults: Type.Optional(
    strictObject({
      env: Type.Optional(Type.String()),
      file: Type.Optional(Type.String()),
      exec: Type.Optional(Type.String()),
    }),
  ),
  resolution: Type.Optional(
    strictObject({
      maxProviderConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 32 })),
      maxRefsPerProvider: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
      maxBatchBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 * 1024 * 1024 })),
    }),
  ),
});
export type SecretsConfig = Static<typeof SecretsSchema>;
