// Loads the ajv compiler only when a validator has to be compiled at run time (source runs, a
// schema without a precompiled twin, or the detailed config check after a failure). Loaded
// through createRequire on purpose: the bundler leaves it out, so a started gateway that only
// runs precompiled validators never parses the compiler.
import { createRequire } from "node:module";
import type { Ajv, Options } from "ajv";

const requireFromHere = createRequire(import.meta.url);

export function createAjv(options: Options): Ajv {
  const mod = requireFromHere("ajv") as { Ajv: new (o: Options) => Ajv };
  return new mod.Ajv(options);
}
