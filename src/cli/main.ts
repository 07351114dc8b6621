// Entry point of the `openclaw` binary: bin/openclaw.mjs imports the built copy of this file.
// Exiting explicitly means a stray socket or timer can never keep a finished command alive.
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2));
process.exit(code);
