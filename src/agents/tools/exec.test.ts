import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExecTool } from "./exec.js";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(() => ws.cleanup());

// Whether any process is still running `marker` (ps is in every POSIX test image).
const stillRunning = (marker: string) => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).includes(marker);

describe("exec", () => {
  it("runs in the workspace and reports the exit code", async () => {
    const exec = createExecTool();
    await ws.write("a.txt", "one\ntwo\n");
    const result = await exec.execute({ command: "pwd && wc -l < a.txt" }, ws.ctx);
    expect(result.content).toBe(`${await fs.realpath(ws.root)}\n2\n[exit code 0]`);
    expect(result.isError).toBe(false);
    expect(result.details).toMatchObject({ exitCode: 0, timedOut: false, truncated: false });
  });

  it("marks a non-zero exit as an error and keeps stderr", async () => {
    const result = await createExecTool().execute({ command: "ls does-not-exist" }, ws.ctx);
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/does-not-exist/);
    expect(result.content).toMatch(/\[exit code [12]\]$/);
  });

  it("runs in a cwd inside the workspace and refuses one outside", async () => {
    const exec = createExecTool();
    await fs.mkdir(path.join(ws.root, "sub"));
    await fs.symlink(ws.outside, path.join(ws.root, "out"));
    expect((await exec.execute({ command: "pwd", cwd: "sub" }, ws.ctx)).content).toContain("/workspace/sub\n");
    for (const cwd of ["..", ws.outside, "out"]) {
      await expect(exec.execute({ command: "pwd", cwd }, ws.ctx)).rejects.toThrow(`path escapes the workspace: ${cwd}`);
    }
  });

  it("passes a minimal environment with HOME set to the workspace", async () => {
    process.env.OC_TOOLS_TEST_SECRET = "leak";
    try {
      const exec = createExecTool({ security: "full" });
      const result = await exec.execute({ command: 'echo "home=$HOME secret=[$OC_TOOLS_TEST_SECRET]"; env | cut -d= -f1 | sort' }, ws.ctx);
      expect(result.content).toContain(`home=${ws.root} secret=[]`);
      const names = result.content.split("\n").slice(1, -1);
      expect(names.every((n) => ["HOME", "LANG", "PATH", "PWD", "SHLVL", "_", "OLDPWD"].includes(n))).toBe(true);
    } finally {
      delete process.env.OC_TOOLS_TEST_SECRET;
    }
  });

  it("refuses in allowlist mode before running anything, naming program and config key", async () => {
    const exec = createExecTool();
    await expect(exec.execute({ command: "touch made && rm made" }, ws.ctx)).rejects.toThrow(
      'exec refused: "rm" is not in the exec allowlist; add it to tools.exec.allowlist or set tools.exec.security to "full"',
    );
    await expect(exec.execute({ command: "echo $(touch made)" }, ws.ctx)).rejects.toThrow(/command substitution/);
    await expect(exec.execute({ command: "sudo touch made" }, ws.ctx)).rejects.toThrow(/"sudo" is never allowed/);
    await expect(fs.access(path.join(ws.root, "made"))).rejects.toThrow();
  });

  it("refuses everything in deny mode and allows anything in full mode", async () => {
    await expect(createExecTool({ security: "deny" }).execute({ command: "ls" }, ws.ctx)).rejects.toThrow(
      'exec refused: exec is disabled (tools.exec.security is "deny")',
    );
    const full = await createExecTool({ security: "full" }).execute({ command: "printf '%s' $(echo hi) | tr a-z A-Z" }, ws.ctx);
    expect(full.content).toBe("HI\n[exit code 0]");
  });

  it("kills the whole process group on timeout", async () => {
    const exec = createExecTool({ security: "full" });
    const started = Date.now();
    const result = await exec.execute({ command: "sleep 5.123 | cat; echo never", timeoutSeconds: 1 }, ws.ctx);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1600);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(result.isError).toBe(true);
    expect(result.content).toBe("(no output)\n[timed out after 1 s; process group killed]");
    expect(result.details).toMatchObject({ timedOut: true });
    expect(stillRunning("sleep 5.123")).toBe(false);
  });

  it("uses tools.exec.timeoutSeconds as the default and stops on abort", async () => {
    const exec = createExecTool({ security: "full", timeoutSeconds: 1 });
    const started = Date.now();
    expect((await exec.execute({ command: "sleep 5" }, ws.ctx)).details).toMatchObject({ timedOut: true });
    expect(Date.now() - started).toBeLessThan(1600);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const aborted = await createExecTool({ security: "full" }).execute({ command: "sleep 5" }, { ...ws.ctx, signal: controller.signal });
    expect(aborted.content).toContain("[aborted; process group killed]");
  });

  it("does not wait for background leftovers once the shell exits", async () => {
    const started = Date.now();
    const result = await createExecTool({ security: "full" }).execute({ command: "sleep 5.234 & echo started" }, ws.ctx);
    expect(result.content).toBe("started\n[exit code 0]");
    expect(Date.now() - started).toBeLessThan(2500);
    expect(stillRunning("sleep 5.234")).toBe(false);
  });

  it("caps output, keeping the tail and saying it was truncated", async () => {
    const exec = createExecTool({ security: "full", maxOutputBytes: 1000 });
    const result = await exec.execute({ command: "i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done" }, ws.ctx);
    const [first, ...rest] = result.content.split("\n");
    expect(first).toMatch(/^\[output truncated: showing the last 1000 of \d+ bytes\]$/);
    expect(rest.at(-2)).toBe("line-1999");
    expect(rest.at(-1)).toBe("[exit code 0]");
    expect(result.content).not.toContain("line-0\n");
    expect(result.details).toMatchObject({ truncated: true });
  });

  it("rejects an unknown security mode when built", () => {
    expect(() => createExecTool({ security: "yolo" as never })).toThrow('tools.exec.security must be one of deny, allowlist, full (got "yolo")');
  });
});
