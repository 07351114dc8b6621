// POST /tools/invoke end to end: a real gateway with the stage injected, real tools, real files.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolsInvokeStage } from "../src/gateway/http/tools-invoke.js";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";

let base: string;
let workspace: string;
let opsWorkspace: string;
const running: RunningGateway[] = [];

async function gateway(extra: Record<string, unknown> = {}, gatewayExtra: Record<string, unknown> = {}): Promise<RunningGateway> {
  const config = localConfig(
    { agents: { defaults: { workspace }, list: [{ id: "main", default: true }, { id: "ops", workspace: opsWorkspace }] }, ...extra },
    gatewayExtra,
  );
  const gw = await startGateway(config, { httpStages: [(g) => toolsInvokeStage(g)] });
  running.push(gw);
  return gw;
}

/** `fetch`'s Response with `json()` loosened for assertions. */
type JsonResponse = Omit<Response, "json"> & { json(): Promise<any> };

function invoke(gw: RunningGateway, body: unknown, init: { token?: string | null; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TEST_TOKEN}`;
  return fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), "oc-tools-invoke-"));
  workspace = path.join(base, "ws-main");
  opsWorkspace = path.join(base, "ws-ops");
  await fs.mkdir(path.join(workspace, "notes"), { recursive: true });
  await fs.mkdir(opsWorkspace, { recursive: true });
  await fs.writeFile(path.join(workspace, "notes", "todo.md"), "buy milk\n");
  await fs.writeFile(path.join(opsWorkspace, "ops.txt"), "ops only\n");
  await fs.writeFile(path.join(base, "secret.txt"), "outside\n");
});
afterAll(async () => {
  for (const gw of running) await gw.stop();
  await fs.rm(base, { recursive: true, force: true });
});

describe("/tools/invoke with the default policy", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await gateway();
  });

  it("ls lists the default agent's workspace", async () => {
    const res = await invoke(gw, { tool: "ls", args: { path: "notes" } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ok).toBe(true);
    expect(body.result.content).toContain("todo.md");
  });

  it("read returns the file; sessionKey main and dryRun are accepted", async () => {
    const res = await invoke(gw, { tool: "read", args: { path: "notes/todo.md" }, sessionKey: "main", dryRun: true });
    expect(res.status).toBe(200);
    expect((await res.json()).result.content).toContain("buy milk");
  });

  it("an agent:<id>: session key runs as that agent, in its workspace", async () => {
    const res = await invoke(gw, { tool: "read", args: { path: "ops.txt" }, sessionKey: "agent:ops:main" });
    expect(res.status).toBe(200);
    expect((await res.json()).result.content).toContain("ops only");
    const unknown = await invoke(gw, { tool: "ls", sessionKey: "agent:ghost:main" });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ ok: false, error: { type: "invalid_request", message: 'unknown agent id "ghost"' } });
  });

  it("exec is 404 and the message says it is denied for HTTP by default and how to allow it", async () => {
    const res = await invoke(gw, { tool: "exec", args: { command: "echo hi" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      ok: false,
      error: { type: "not_found", message: 'Tool "exec" is denied for HTTP by default; allow it with gateway.tools.allow: ["exec"]' },
    });
  });

  it("an unknown tool is 404 and lists the available tools", async () => {
    const res = await invoke(gw, { tool: "teleport" });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toEqual({ type: "not_found", message: 'Unknown tool "teleport". Available: read, write, edit, ls, find, web_fetch' });
  });

  it("a path escaping the workspace is a 400 tool error", async () => {
    const res = await invoke(gw, { tool: "read", args: { path: "../secret.txt" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ ok: false, error: { type: "tool_error", message: "path escapes the workspace: ../secret.txt" } });
  });

  it("invalid bodies are 400 invalid_request", async () => {
    for (const [body, message] of [
      [{}, "tool is required (a non-empty string)"],
      [{ tool: "ls", args: [1] }, "args must be a JSON object"],
      [[1, 2], "request body must be a JSON object"],
      [{ tool: "ls", sessionKey: "agent::x" }, 'invalid sessionKey "agent::x"'],
    ] as const) {
      const res = await invoke(gw, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ ok: false, error: { type: "invalid_request", message } });
    }
    const bad = await invoke(gw, "{not json");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^invalid JSON body/);
  });

  it("no bearer is 401 in the reference shape", async () => {
    const res = await invoke(gw, { tool: "ls" }, { token: null });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { message: "Unauthorized", type: "unauthorized" } });
    expect((await invoke(gw, { tool: "ls" }, { token: "wrong" })).status).toBe(401);
  });

  it("GET is 405 with Allow: POST", async () => {
    const res = await fetch(`${gw.httpUrl}/tools/invoke`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(await res.text()).toBe("Method Not Allowed");
  });

  it("a body over 2 MB is 413", async () => {
    const res = await invoke(gw, { tool: "ls", args: { pad: "x".repeat(2 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect((await res.json()).error.type).toBe("payload_too_large");
  });

  it("channel context headers are accepted", async () => {
    const headers = { "x-openclaw-account-id": "acct", "x-openclaw-message-to": "+100", "x-openclaw-thread-id": "t1" };
    expect((await invoke(gw, { tool: "ls" }, { headers })).status).toBe(200);
  });
});

describe("/tools/invoke scopes", () => {
  it("with auth mode none, x-openclaw-scopes without write is 403; absent means the defaults", async () => {
    const gw = await gateway({}, { auth: { mode: "none" } });
    const narrowed = await invoke(gw, { tool: "ls" }, { token: null, headers: { "x-openclaw-scopes": "operator.read" } });
    expect(narrowed.status).toBe(403);
    expect(await narrowed.json()).toEqual({ ok: false, error: { type: "forbidden", message: "missing scope: operator.write" } });
    expect((await invoke(gw, { tool: "ls" }, { token: null, headers: { "x-openclaw-scopes": "operator.read, operator.write" } })).status).toBe(200);
    expect((await invoke(gw, { tool: "ls" }, { token: null })).status).toBe(200);
  });
});

describe("/tools/invoke with gateway.tools lists", () => {
  it("gateway.tools.allow lifts the default denial of exec", async () => {
    const gw = await gateway({}, { tools: { allow: ["exec"] } });
    const res = await invoke(gw, { tool: "exec", args: { command: "echo hello-from-exec" } });
    expect(res.status).toBe(200);
    expect((await res.json()).result.content).toContain("hello-from-exec");
  });

  it("exec's own policy still applies: tools.exec.security deny is a tool error", async () => {
    const gw = await gateway({ tools: { exec: { security: "deny" } } }, { tools: { allow: ["exec"] } });
    const res = await invoke(gw, { tool: "exec", args: { command: "echo hi" } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ type: "tool_error", message: expect.stringContaining("tools.exec.security") });
  });

  it("gateway.tools.deny and the agent's tools.deny are named in the 404", async () => {
    const gw = await gateway({ tools: { deny: ["write"] } }, { tools: { deny: ["read"] } });
    const read = await invoke(gw, { tool: "read", args: { path: "notes/todo.md" } });
    expect(read.status).toBe(404);
    expect((await read.json()).error.message).toBe('Tool "read" is denied by gateway.tools.deny');
    const write = await invoke(gw, { tool: "write", args: { path: "x.txt", content: "x" } });
    expect(write.status).toBe(404);
    expect((await write.json()).error.message).toBe(`Tool "write" is denied by the agent's tools policy (tools.allow / tools.deny)`);
  });
});
