// Secret references and the `secrets` section: where a credential can come from instead of
// being written into the config file.
import { Type, type Static } from "@sinclair/typebox";
import { int, stringEnum, strictObject, stringList } from "./schema-helpers.js";

const PROVIDER_ALIAS = "^[a-z][a-z0-9_-]{0,63}$";
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
    secretRefFor("env", "^[A-Z][A-Z0-9_]{0,127}$", "Environment variable name"),
    secretRefFor("file", "^/", "Absolute JSON pointer into the file"),
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

const SecretProviderSchema = Type.Union([
  strictObject({ source: Type.Literal("env") }),
  strictObject({
    source: Type.Literal("file"),
    path: Type.String({ minLength: 1 }),
    mode: Type.Optional(stringEnum(["json", "singleValue"])),
    timeoutMs: Type.Optional(int(1)),
  }),
  strictObject({
    source: Type.Literal("exec"),
    command: Type.String({ minLength: 1, description: "Absolute path of the resolver" }),
    passEnv: Type.Optional(stringList("Environment variables passed to the resolver")),
    allowSymlinkCommand: Type.Optional(Type.Boolean()),
    trustedDirs: Type.Optional(stringList()),
    allowInsecurePath: Type.Optional(Type.Boolean()),
    timeoutMs: Type.Optional(int(1)),
  }),
]);

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
});
