// Build step: turns the TypeBox schemas into ajv standalone modules, so the bundle ships compiled
// validators. Every exported protocol schema with a `$id` is included; the config schema too.
import { Ajv } from "ajv";
import * as standaloneModule from "ajv/dist/standalone/index.js";
import * as protocol from "../src/protocol/index.js";
import { PROTOCOL_AJV_OPTIONS } from "../src/protocol/validator.js";
import { OpenClawConfigSchema } from "../src/config/schema.js";
import { CONFIG_QUICK_AJV_OPTIONS } from "../src/config/validate.js";

// ajv ships CommonJS: depending on the loader the function is the module's default or its default's default.
type Standalone = (ajv: Ajv, refsOrFunc?: Record<string, string>) => string;
const mod = standaloneModule as unknown as { default: Standalone | { default: Standalone } };
const standalone: Standalone = typeof mod.default === "function" ? mod.default : mod.default.default;

export function generateValidators(): { protocol: string; config: string; protocolIds: string[]; configSchemaJson: string } {
  const protocolAjv = new Ajv({ ...PROTOCOL_AJV_OPTIONS, code: { source: true, esm: true } });
  const ids: string[] = [];
  for (const value of Object.values(protocol)) {
    const id = (value as { $id?: unknown } | null)?.$id;
    if (typeof id === "string" && !ids.includes(id)) {
      protocolAjv.addSchema(value as object);
      ids.push(id);
    }
  }
  // Only the quick check is shipped: the detailed validator is compiled when a config fails it.
  const configAjv = new Ajv({ ...CONFIG_QUICK_AJV_OPTIONS, code: { source: true, esm: true } });
  configAjv.addSchema(OpenClawConfigSchema, "OpenClawConfigQuick");
  return {
    protocol: standalone(protocolAjv, Object.fromEntries(ids.map((id) => [id, id]))),
    config: standalone(configAjv, { OpenClawConfigQuick: "OpenClawConfigQuick" }),
    protocolIds: ids,
    configSchemaJson: JSON.stringify(OpenClawConfigSchema),
  };
}
