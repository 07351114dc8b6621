// `openclaw config get|set|unset|validate|schema|file`: the local config file, edited in place.
// Edits apply to the file as written (keeping `$include` and `${VAR}`), and the resolved result
// is validated before anything is written. The validator loads only for set/unset/validate.
import type { Command } from "commander";
import { ConfigError, formatConfigIssue, type ConfigIssue } from "../../config/errors.js";
import { getAtPath, parsePath, setAtPath, unsetAtPath } from "../../config/dotpath.js";
import { isPlainObject } from "../../config/object-utils.js";
import { resolveConfigPath, resolveStateDir } from "../../config/paths.js";
import { VERSION } from "../../version.js";
import { CliError, EXIT_FAILURE, usageError } from "../cli-error.js";
import { readConfigTree, resolveConfigTree, type ConfigTree } from "../config-tree.js";
import { printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { EXIT_CONFIG } from "../../errors.js";

function checkPath(path: string): void {
  try {
    parsePath(path);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

function unreadable(tree: ConfigTree): CliError {
  return new CliError(`Config file cannot be read: ${tree.path}`, EXIT_CONFIG, { lines: tree.issues.map(formatConfigIssue) });
}

/** Parses a `config set` value: JSON5 when it parses (numbers, booleans, objects), else the text itself. */
export async function parseSetValue(text: string, mode: "auto" | "json5" | "strict-json"): Promise<unknown> {
  if (mode === "strict-json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw usageError(`invalid JSON value: ${(err as Error).message}`);
    }
  }
  const { parseJson5 } = await import("../../config/json5-parse.js");
  const parsed = parseJson5(text, "<value>");
  if (parsed.ok) return parsed.value;
  if (mode === "json5") throw usageError(`invalid JSON5 value: ${parsed.issue.message}`);
  return text;
}

/** Every problem the edited tree would have once resolved: include/env errors, then schema issues. */
async function issuesOf(next: unknown, configPath: string, env: NodeJS.ProcessEnv): Promise<ConfigIssue[]> {
  const { resolved, issues } = await resolveConfigTree(next, configPath, env);
  if (issues.length > 0) return issues;
  const { validateConfig } = await import("../../config/validate.js");
  return validateConfig(resolved, configPath);
}

async function validateAndWrite(
  next: unknown,
  opts: { configPath: string; env: NodeJS.ProcessEnv; source: string; allowShrink: boolean },
): Promise<void> {
  if (!isPlainObject(next)) throw new CliError("the config file must hold an object", EXIT_CONFIG);
  const issues = await issuesOf(next, opts.configPath, opts.env);
  if (issues.length > 0) {
    throw new CliError(`Config not written: the change would make ${opts.configPath} invalid:`, EXIT_CONFIG, {
      lines: issues.map(formatConfigIssue),
    });
  }
  const { writeConfigFile } = await import("../../config/write.js");
  try {
    await writeConfigFile({
      configPath: opts.configPath,
      stateDir: resolveStateDir(opts.env),
      config: next,
      source: opts.source,
      allowShrink: opts.allowShrink,
      version: VERSION,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`Config not written: ${err.message}`, EXIT_FAILURE);
    throw err;
  }
}

async function readEditable(configPath: string, env: NodeJS.ProcessEnv): Promise<ConfigTree> {
  const tree = await readConfigTree(configPath, env);
  if (!tree.parsedOk) throw unreadable(tree);
  return tree;
}

function printValue(value: unknown, json: boolean): void {
  if (!json && typeof value === "string") printLines([value]);
  else printJson(value);
}

export async function configGet(path: string, flags: { json?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  checkPath(path);
  const tree = await readConfigTree(resolveConfigPath(env), env);
  if (tree.resolved === undefined) throw unreadable(tree);
  const value = getAtPath(tree.resolved, path);
  if (value === undefined) throw new CliError(`Config path not found: ${path}`);
  printValue(value, flags.json ?? false);
  return 0;
}

export async function configSet(
  path: string,
  text: string,
  flags: { json5?: boolean; strictJson?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  checkPath(path);
  if (flags.json5 && flags.strictJson) throw usageError("use either --json5 or --strict-json, not both");
  const value = await parseSetValue(text, flags.strictJson ? "strict-json" : flags.json5 ? "json5" : "auto");
  const configPath = resolveConfigPath(env);
  const tree = await readEditable(configPath, env);
  let next: unknown;
  try {
    next = setAtPath(tree.parsed, path, value);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  await validateAndWrite(next, { configPath, env, source: "cli config set", allowShrink: false });
  printLines([`Updated ${path} in ${configPath}.`]);
  return 0;
}

export async function configUnset(path: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  checkPath(path);
  const configPath = resolveConfigPath(env);
  const tree = await readEditable(configPath, env);
  if (getAtPath(tree.parsed, path) === undefined) throw new CliError(`Config path not found: ${path}`);
  // Removing a large section is exactly what was asked for, so the shrink guard does not apply.
  await validateAndWrite(unsetAtPath(tree.parsed, path), { configPath, env, source: "cli config unset", allowShrink: true });
  printLines([`Removed ${path} from ${configPath}.`]);
  return 0;
}

export async function configValidate(flags: { json?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const configPath = resolveConfigPath(env);
  const tree = await readConfigTree(configPath, env);
  let issues: ConfigIssue[] = tree.issues;
  if (tree.exists && tree.resolved !== undefined) {
    const { validateConfig } = await import("../../config/validate.js");
    issues = validateConfig(tree.resolved, tree.path);
  }
  const valid = tree.exists && issues.length === 0;
  if (flags.json) {
    printJson({ path: tree.path, exists: tree.exists, valid, issues });
    return valid ? 0 : tree.exists ? EXIT_CONFIG : EXIT_FAILURE;
  }
  if (!tree.exists) throw new CliError(`No config file at ${tree.path}. Create one with: openclaw setup`);
  if (!valid) throw new CliError(`Config invalid: ${tree.path}`, EXIT_CONFIG, { lines: issues.map(formatConfigIssue) });
  printLines([`Config valid: ${tree.path}`]);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  const config = program.command("config").description("read and edit the local config file");
  config
    .command("get <path>")
    .description("print the value at a dotted path (e.g. gateway.port)")
    .option("--json", "print the value as JSON (strings quoted)")
    .action(async (path: string, flags: { json?: boolean }) => setExit(await configGet(path, flags)));
  config
    .command("set <path> <value>")
    .description("set a value (parsed as JSON5 when it parses, else kept as a string), validating first")
    .option("--json5", "require the value to parse as JSON5")
    .option("--strict-json", "require the value to parse as strict JSON")
    .action(async (path: string, value: string, flags: { json5?: boolean; strictJson?: boolean }) =>
      setExit(await configSet(path, value, flags)),
    );
  config
    .command("unset <path>")
    .description("remove the value at a dotted path, validating first")
    .action(async (path: string) => setExit(await configUnset(path)));
  config
    .command("validate")
    .description("check the config against the schema (exit 78 when invalid)")
    .option("--json", "print JSON")
    .action(async (flags: { json?: boolean }) => setExit(await configValidate(flags)));
  config
    .command("schema")
    .description("print the config JSON Schema")
    .action(async () => {
      const { configJsonSchema } = await import("../../config/schema.js");
      printJson(configJsonSchema());
      setExit(0);
    });
  config
    .command("file")
    .description("print the config file path")
    .action(() => {
      printLines([resolveConfigPath(process.env)]);
      setExit(0);
    });
}
