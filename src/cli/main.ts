// Entry point of the `openclaw` binary: bin/openclaw.mjs imports the built copy of this file.
// Exiting explicitly means a stray socket or timer can never keep a finished command alive.
const args = process.argv.slice(2);
// `--version` alone skips commander and every command module.
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { VERSION } = await import("../version.js");
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
const { runCli } = await import("./program.js");
process.exit(await runCli(args));
