// Build step: turns the TypeBox schemas into ajv standalone modules, so the bundle ships compiled
// validators. Every exported protocol schema with a `$id` is included; the config schema too.
// Only what a gateway needs before it answers (the request frame, connect params, `health`) goes
// into the startup module; the method params validators go into one module per protocol file,
// which the bundle loads the first time one of those methods is called.
import type { TSchema } from "@sinclair/typebox";
import { Ajv } from "ajv";
import * as standaloneModule from "ajv/dist/standalone/index.js";
import * as frames from "../src/protocol/frames.js";
import * as system from "../src/protocol/methods.js";
import * as agents from "../src/protocol/methods-agents.js";
import * as devices from "../src/protocol/methods-devices.js";
import * as channels from "../src/protocol/methods-channels.js";
import * as cron from "../src/protocol/methods-cron.js";
import * as protocol from "../src/protocol/index.js";
import { PROTOCOL_AJV_OPTIONS } from "../src/protocol/validator.js";
import { OpenClawConfigSchema } from "../src/config/schema.js";
import { CONFIG_QUICK_AJV_OPTIONS } from "../src/config/validate.js";

// ajv ships CommonJS: depending on the loader the function is the module's default or its default's default.
type Standalone = (ajv: Ajv, refsOrFunc?: Record<string, string>) => string;
const mod = standaloneModule as unknown as { default: Standalone | { default: Standalone } };
const standalone: Standalone = typeof mod.default === "function" ? mod.default : mod.default.default;

/** The validators a gateway runs before its first method call: every frame, the handshake, `health`. */
export const STARTUP_SCHEMA_IDS = ["RequestFrame", "ConnectParams", "HealthParams"] as const;

/** Lazily loaded groups, one per protocol file (the module name is `protocol-validators-<group>.js`). */
const GROUPS: Record<string, Record<string, unknown>> = { system, agents, devices, channels, cron };

function schemasWithId(mod: Record<string, unknown>): TSchema[] {
  const out: TSchema[] = [];
  for (const value of Object.values(mod)) {
    const id = (value as { $id?: unknown } | null)?.$id;
    if (typeof id === "string" && !out.some((s) => s.$id === id)) out.push(value as TSchema);
  }
  return out;
}

function compileModule(schemas: TSchema[]): string {
  const ajv = new Ajv({ ...PROTOCOL_AJV_OPTIONS, code: { source: true, esm: true } });
  for (const s of schemas) ajv.addSchema(s);
  return standalone(ajv, Object.fromEntries(schemas.map((s) => [s.$id!, s.$id!])));
}

export interface GeneratedValidators {
  /** File name (in build/generated) → ajv standalone source; `protocol-validators.js` is the startup module. */
  protocolModules: Record<string, string>;
  /** The module the bundle uses for src/protocol/precompiled.ts. */
  precompiled: string;
  config: string;
  protocolIds: string[];
  configSchemaJson: string;
}

export function generateValidators(): GeneratedValidators {
  const all = schemasWithId(frames).concat(...Object.values(GROUPS).map(schemasWithId));
  // Every `$id` of the public protocol surface must land in exactly one module.
  const ids = all.map((s) => s.$id!);
  const missing = schemasWithId(protocol).filter((s) => !ids.includes(s.$id!));
  if (missing.length > 0) throw new Error(`protocol schemas in no validator group: ${missing.map((s) => s.$id).join(", ")}`);
  if (new Set(ids).size !== ids.length) throw new Error(`a protocol $id is exported by two protocol files: ${ids.join(", ")}`);

  const startupIds: readonly string[] = STARTUP_SCHEMA_IDS;
  const protocolModules: Record<string, string> = { "protocol-validators.js": compileModule(all.filter((s) => startupIds.includes(s.$id!))) };
  const lines = ['import * as startup from "./protocol-validators.js";', "export const protocolValidators = startup;"];
  const lazy: string[] = [];
  for (const [group, m] of Object.entries(GROUPS)) {
    const schemas = schemasWithId(m).filter((s) => !startupIds.includes(s.$id!));
    if (schemas.length === 0) continue;
    const file = `protocol-validators-${group}.js`;
    protocolModules[file] = compileModule(schemas);
    // A literal import() per group, so esbuild makes each its own chunk.
    lines.push(`const ${group} = () => import("./${file}");`);
    for (const s of schemas) lazy.push(`${JSON.stringify(s.$id)}: ${group}`);
  }
  lines.push(`export const lazyProtocolValidators = { ${lazy.join(", ")} };`);
  for (const id of startupIds) if (!ids.includes(id)) throw new Error(`startup validator ${id} has no schema`);

  // Only the quick check is shipped: the detailed validator is compiled when a config fails it.
  const configAjv = new Ajv({ ...CONFIG_QUICK_AJV_OPTIONS, code: { source: true, esm: true } });
  configAjv.addSchema(OpenClawConfigSchema, "OpenClawConfigQuick");
  return {
    protocolModules,
    precompiled: `${lines.join("\n")}\n`,
    config: standalone(configAjv, { OpenClawConfigQuick: "OpenClawConfigQuick" }),
    protocolIds: ids,
    configSchemaJson: JSON.stringify(OpenClawConfigSchema),
  };
}
