import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkExecCommand, DEFAULT_EXEC_ALLOWLIST, type ExecPolicyInput } from "./exec-policy.js";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";

let ws: TestWorkspace;
let input: ExecPolicyInput;
beforeEach(async () => {
  ws = await createTestWorkspace();
  input = { security: "allowlist", allowlist: new Set(DEFAULT_EXEC_ALLOWLIST), workspace: ws.root, cwd: ws.root };
});
afterEach(() => ws.cleanup());

const check = (command: string, over: Partial<ExecPolicyInput> = {}) => checkExecCommand(command, { ...input, ...over });

describe("checkExecCommand in allowlist mode", () => {
  it("allows pipelines and lists whose every program is listed", async () => {
    for (const ok of [
      "ls -la",
      "cat a.txt | grep -n foo | sort | uniq -c",
      "mkdir -p out && echo done || echo failed; pwd",
      "git status\ngit diff --stat",
      "echo 'a | rm -rf /' '$(quoted)' \"a;b\"",
      "grep -r x . > out.txt 2>&1",
      "ls 2>/dev/null >> log/ls.txt",
      "wc -l < a.txt",
      "for f in a b; do echo $f; done",
      "if grep -q x a.txt; then echo yes; else echo no; fi",
      "(ls && pwd)",
      "echo hi # ; rm -rf /",
      "jq -r '.a' <<< '{\"a\":1}'",
      "node -e 'console.log(1)' &",
    ]) {
      expect(await check(ok), ok).toBeUndefined();
    }
  });

  it("refuses programs outside the allowlist, naming the program and the config keys", async () => {
    for (const [command, program] of [
      ["rm -rf x", "rm"],
      ["ls | xargs rm", "xargs"],
      ["ls && curl http://x", "curl"],
      ["echo a; bash -c 'ls'", "bash"],
      ["ls || chmod 777 .", "chmod"],
      ["ls & wget x", "wget"],
      ["(cd /tmp; ls)", "cd"],
      ["./ls", "./ls"],
      ["/bin/ls", "/bin/ls"],
    ]) {
      const refusal = await check(command!);
      expect(refusal, command).toBe(
        `exec refused: "${program}" is not in the exec allowlist; add it to tools.exec.allowlist or set tools.exec.security to "full"`,
      );
    }
  });

  it("refuses command and process substitution, sudo, env prefixes and here-documents", async () => {
    expect(await check("echo $(whoami)")).toMatch(/command substitution .* tools\.exec\.security is "allowlist"/);
    expect(await check("echo `id`")).toMatch(/command substitution/);
    expect(await check('echo "today is $(date)"')).toMatch(/command substitution/);
    expect(await check("diff <(ls a) <(ls b)")).toMatch(/process substitution/);
    expect(await check("sudo ls")).toBe('exec refused: "sudo" is never allowed when tools.exec.security is "allowlist"');
    expect(await check("ls && sudo rm -rf /", { allowlist: new Set(["ls", "sudo", "rm"]) })).toMatch(/"sudo" is never allowed/);
    expect(await check("LD_PRELOAD=./x.so ls")).toMatch(/environment assignments before a command \(LD_PRELOAD=\.\.\.\)/);
    expect(await check("cat <<EOF\nhi\nEOF")).toMatch(/here-documents/);
    expect(await check("$CMD x")).toMatch(/program name must be literal/);
    expect(await check("echo 'open")).toBe("exec refused: unterminated quote in command");
  });

  it("refuses redirects that leave the workspace", async () => {
    expect(await check("echo x > /tmp/evil")).toMatch(/redirect to "\/tmp\/evil" is outside the workspace/);
    expect(await check("echo x >> ../outside/secret.txt")).toMatch(/outside the workspace/);
    expect(await check("cat < /etc/passwd")).toMatch(/outside the workspace/);
    expect(await check("echo x 2> ~/x")).toMatch(/redirect target must be a literal path/);
    expect(await check("echo x > $HOME/x")).toMatch(/redirect target must be a literal path/);
    expect(await check("echo x &> ../x")).toMatch(/outside the workspace/);
    expect(await check("echo x > ../outside/y", { cwd: path.join(ws.root) })).toMatch(/outside the workspace/);
  });

  it("honours a custom allowlist", async () => {
    const allowlist = new Set(["make"]);
    expect(await check("make test", { allowlist })).toBeUndefined();
    expect(await check("ls", { allowlist })).toMatch(/"ls" is not in the exec allowlist/);
  });
});

describe("checkExecCommand in deny and full modes", () => {
  it("deny refuses everything, naming the setting", async () => {
    expect(await check("ls", { security: "deny" })).toBe('exec refused: exec is disabled (tools.exec.security is "deny")');
  });

  it("full allows anything", async () => {
    expect(await check("sudo rm -rf $(pwd) > /tmp/x", { security: "full" })).toBeUndefined();
  });
});
