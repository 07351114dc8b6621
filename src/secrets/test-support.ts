// Test-only helpers shared by the secrets unit tests and e2e tests: temp dirs and real resolver
// scripts run by this machine's node.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export async function tempDir(prefix = "oc-secrets-"): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o700);
  return dir;
}

/**
 * Writes an executable exec resolver: a node script (shebang = this node) whose body gets
 * `request` (the parsed stdin) and must print the answer. `body` is JavaScript.
 */
export async function writeResolverScript(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  const source = `#!${process.execPath}
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const request = JSON.parse(input || "{}");
  ${body}
});
`;
  await fs.writeFile(file, source, { mode: 0o700 });
  return file;
}
