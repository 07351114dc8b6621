import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTools, isToolAllowed, runTool, ToolError, toolSpecs, type AgentTool } from "./index.js";
import { createTestWorkspace, type TestWorkspace } from "./test-workspace.js";

const names = (tools: AgentTool[]) => tools.map((t) => t.name);
const ALL = ["read", "write", "edit", "ls", "find", "exec", "web_fetch"];

describe("createTools allow/deny", () => {
  it("builds every tool by default", () => {
    expect(names(createTools())).toEqual(ALL);
  });

  it("treats allow as a whitelist, deny as winning, names case-insensitively", () => {
    expect(names(createTools({ allow: ["READ", "Exec"] }))).toEqual(["read", "exec"]);
    expect(names(createTools({ allow: ["read", "exec"], deny: ["EXEC"] }))).toEqual(["read"]);
    expect(names(createTools({ deny: ["web_fetch"] }))).toEqual(ALL.filter((n) => n !== "web_fetch"));
    expect(names(createTools({ allow: [] }))).toEqual([]);
    expect(names(createTools({ allow: ["*"], deny: ["write"] }))).toEqual(ALL.filter((n) => n !== "write"));
  });

  it("expands the fs group, bare or as group:fs", () => {
    expect(names(createTools({ allow: ["fs"] }))).toEqual(["read", "write", "edit", "ls", "find"]);
    expect(names(createTools({ deny: ["group:fs"] }))).toEqual(["exec", "web_fetch"]);
    expect(names(createTools({ allow: ["group:FS", "web"], deny: ["write", "edit"] }))).toEqual(["read", "ls", "find", "web_fetch"]);
    expect(isToolAllowed("exec", { allow: ["runtime"] })).toBe(true);
  });

  it("validates policy values when building", () => {
    expect(() => createTools({ exec: { security: "open" as never } })).toThrow("tools.exec.security must be one of");
    expect(() => createTools({ deny: ["exec"], exec: { security: "open" as never } })).not.toThrow();
  });
});

describe("toolSpecs", () => {
  it("gives plain JSON Schema for each tool", () => {
    const specs = toolSpecs(createTools());
    expect(specs.map((s) => s.name)).toEqual(ALL);
    const read = specs[0]!;
    expect(read.parameters).toEqual(JSON.parse(JSON.stringify(read.parameters)));
    expect(Object.getOwnPropertySymbols(read.parameters)).toEqual([]);
    expect(read.parameters).toMatchObject({ type: "object", required: ["path"], properties: { path: { type: "string" } } });
    expect(specs.every((s) => s.description.length > 20)).toBe(true);
  });
});

describe("runTool", () => {
  let ws: TestWorkspace;
  beforeEach(async () => {
    ws = await createTestWorkspace();
  });
  afterEach(() => ws.cleanup());

  it("runs a tool by name", async () => {
    await ws.write("a.txt", "hi\n");
    expect(await runTool(createTools(), { name: "read", arguments: { path: "a.txt" } }, ws.ctx)).toEqual({
      content: "     1\thi",
      details: { path: "a.txt", firstLine: 1, lastLine: 1, truncated: false },
    });
  });

  it("answers unknown tools, bad arguments and failures with one error line, never throwing", async () => {
    const tools = createTools({ allow: ["fs"] });
    const run = (name: string, args: unknown) => runTool(tools, { name, arguments: args as Record<string, unknown> }, ws.ctx);
    expect(await run("exec", { command: "ls" })).toEqual({
      isError: true,
      content: "unknown tool: exec (available: read, write, edit, ls, find)",
    });
    expect(await run("read", {})).toEqual({ isError: true, content: "invalid arguments for read: must have required property 'path'" });
    expect(await run("read", { path: "a", offset: "2" })).toEqual({ isError: true, content: "invalid arguments for read: at /offset: must be integer" });
    expect(await run("read", { path: "a", offset: 0 })).toMatchObject({ isError: true, content: expect.stringContaining("must be >= 1") });
    expect(await run("read", null)).toEqual({ isError: true, content: "invalid arguments for read: must be an object" });
    expect(await run("read", { path: "../x" })).toEqual({ isError: true, content: "path escapes the workspace: ../x" });
    expect(await run("Read", { path: "missing" })).toEqual({ isError: true, content: "not found: missing" });
  });

  it("turns unexpected throws into one line naming the tool", async () => {
    const broken: AgentTool = {
      name: "broken",
      description: "always fails",
      parameters: { type: "object" },
      execute: async () => {
        throw new Error("first line\n  at somewhere");
      },
    };
    const polite: AgentTool = { ...broken, name: "polite", execute: async () => Promise.reject(new ToolError("nice\nmessage")) };
    expect(await runTool([broken], { name: "broken", arguments: {} }, ws.ctx)).toEqual({
      isError: true,
      content: "broken failed: first line at somewhere",
    });
    expect(await runTool([polite], { name: "polite", arguments: {} }, ws.ctx)).toEqual({ isError: true, content: "nice message" });
  });
});
