// The json5 parser, loaded on first use through createRequire (like ajv in protocol/ajv-loader.ts,
// the bundler leaves it out): a gateway whose config is plain JSON never loads it at startup.
import { createRequire } from "node:module";

const requireFromHere = createRequire(import.meta.url);

export interface Json5 {
  parse(text: string): unknown;
}

export function json5(): Json5 {
  return requireFromHere("json5") as Json5;
}
