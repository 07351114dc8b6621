// Ownership and permission checks for the files a secrets provider trusts: the secrets file of a
// `file` provider and the command of an `exec` provider. A file anyone else can write could hand
// the gateway a forged secret or run code under its account, so both are refused by default.
import fs from "node:fs/promises";
import path from "node:path";

export class SecretPathError extends Error {}

function currentUid(): number | undefined {
  return typeof process.getuid === "function" ? process.getuid() : undefined;
}

function ownerProblem(stat: { uid: number }): string | null {
  const uid = currentUid();
  if (uid === undefined) return null;
  return stat.uid === uid || stat.uid === 0 ? null : `is owned by uid ${stat.uid}, not by this user (${uid}) or root`;
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, "0");
}

/**
 * Checks the secrets file of a `file` provider: absolute, not a symlink, a regular file owned by
 * this user (or root), and neither writable by others nor readable by the world.
 */
export async function checkSecretFile(file: string, allowInsecurePath: boolean): Promise<void> {
  if (!path.isAbsolute(file)) throw new SecretPathError(`path ${file} must be absolute`);
  let stat;
  try {
    stat = await fs.lstat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SecretPathError(code === "ENOENT" ? `file not found: ${file}` : `cannot read ${file} (${code ?? "error"})`);
  }
  if (allowInsecurePath) return;
  if (stat.isSymbolicLink()) throw new SecretPathError(`${file} is a symlink (point the provider at the real file, or set allowInsecurePath)`);
  if (!stat.isFile()) throw new SecretPathError(`${file} is not a regular file`);
  const owner = ownerProblem(stat);
  if (owner) throw new SecretPathError(`${file} ${owner} (or set allowInsecurePath)`);
  if (stat.mode & 0o022) throw new SecretPathError(`${file} is writable by group or others (mode ${octal(stat.mode)}; chmod 600 it)`);
  if (stat.mode & 0o004) throw new SecretPathError(`${file} is readable by everyone (mode ${octal(stat.mode)}; chmod 600 it)`);
}

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Checks an exec provider's command and returns the path to spawn: absolute; a symlink only with
 * `allowSymlinkCommand` (its target is checked); inside `trustedDirs` when given; a regular,
 * executable file owned by this user or root and not writable by group or others.
 */
export async function checkExecCommand(
  command: string,
  opts: { allowSymlinkCommand?: boolean; trustedDirs?: string[]; allowInsecurePath?: boolean },
): Promise<string> {
  if (!path.isAbsolute(command)) throw new SecretPathError(`command ${command} must be an absolute path`);
  let link;
  try {
    link = await fs.lstat(command);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SecretPathError(code === "ENOENT" ? `command not found: ${command}` : `cannot inspect ${command} (${code ?? "error"})`);
  }
  if (link.isSymbolicLink() && !opts.allowSymlinkCommand) {
    throw new SecretPathError(`command ${command} is a symlink (set allowSymlinkCommand, ideally with trustedDirs)`);
  }
  const real = await fs.realpath(command).catch(() => {
    throw new SecretPathError(`command ${command} does not resolve to a file`);
  });
  if (opts.trustedDirs?.length) {
    const dirs = await Promise.all(opts.trustedDirs.map((d) => fs.realpath(d).catch(() => path.resolve(d))));
    if (!dirs.some((d) => inside(d, real))) throw new SecretPathError(`command ${real} is not inside trustedDirs`);
  }
  const stat = await fs.stat(real);
  if (!stat.isFile()) throw new SecretPathError(`command ${real} is not a regular file`);
  if (!(stat.mode & 0o111)) throw new SecretPathError(`command ${real} is not executable`);
  if (opts.allowInsecurePath) return real;
  const owner = ownerProblem(stat);
  if (owner) throw new SecretPathError(`command ${real} ${owner} (or set allowInsecurePath)`);
  if (stat.mode & 0o022) throw new SecretPathError(`command ${real} is writable by group or others (mode ${octal(stat.mode)})`);
  return real;
}
