// Declares a tool from a TypeBox schema: the schema is what the model sees and what the
// arguments are checked against before the typed implementation runs, so no tool re-checks types.
import type { Static, TObject } from "@sinclair/typebox";
import { lazyValidator } from "../../protocol/validator.js";
import { toolErrors } from "./errors.js";
import type { AgentTool, ToolContext, ToolResult } from "./types.js";

export interface ToolDefinition<S extends TObject> {
  name: string;
  description: string;
  parameters: S;
  run(args: Static<S>, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<S extends TObject>(def: ToolDefinition<S>): AgentTool {
  const check = lazyValidator(def.parameters);
  return {
    name: def.name,
    description: def.description,
    parameters: def.parameters,
    async execute(args, ctx) {
      if (!check(args)) throw toolErrors.invalidArgs(def.name, check.errorText());
      return def.run(args, ctx);
    },
  };
}
