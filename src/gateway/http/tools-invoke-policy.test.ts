import { describe, expect, it } from "vitest";
import { decideHttpTool, DEFAULT_HTTP_TOOL_DENY, httpAvailableTools } from "./tools-invoke-policy.js";

const known = ["read", "write", "edit", "ls", "find", "exec", "web_fetch"];

describe("decideHttpTool", () => {
  it("the default deny list is the reference's, in its order", () => {
    expect(DEFAULT_HTTP_TOOL_DENY).toEqual([
      "exec", "spawn", "shell", "fs_write", "fs_delete", "fs_move", "apply_patch",
      "sessions_spawn", "sessions_send", "cron", "gateway", "nodes", "whatsapp_login",
    ]);
  });

  it("allows a known tool that no list denies, matching case-insensitively", () => {
    expect(decideHttpTool("read", { known })).toEqual({ ok: true, name: "read" });
    expect(decideHttpTool("LS", { known })).toEqual({ ok: true, name: "ls" });
  });

  it("names the default deny list and the key that lifts it (oc#93400)", () => {
    expect(decideHttpTool("exec", { known })).toEqual({
      ok: false,
      reason: "denied-default",
      message: 'Tool "exec" is denied for HTTP by default; allow it with gateway.tools.allow: ["exec"]',
    });
  });

  it("gateway.tools.allow lifts a default denial, also by group", () => {
    expect(decideHttpTool("exec", { known, gateway: { allow: ["exec"] } }).ok).toBe(true);
    expect(decideHttpTool("exec", { known, gateway: { allow: ["group:runtime"] } }).ok).toBe(true);
  });

  it("gateway.tools.deny adds names and wins over allow", () => {
    expect(decideHttpTool("read", { known, gateway: { deny: ["read"] } })).toMatchObject({
      reason: "denied-config",
      message: 'Tool "read" is denied by gateway.tools.deny',
    });
    expect(decideHttpTool("exec", { known, gateway: { allow: ["exec"], deny: ["exec"] } }).ok).toBe(false);
    expect(decideHttpTool("write", { known, gateway: { deny: ["group:fs"] } }).ok).toBe(false);
  });

  it("the agent's own tools policy still applies after the HTTP lists", () => {
    expect(decideHttpTool("exec", { known, gateway: { allow: ["exec"] }, agent: { deny: ["exec"] } })).toMatchObject({
      reason: "denied-agent",
      message: expect.stringContaining("agent's tools policy"),
    });
    expect(decideHttpTool("read", { known, agent: { allow: ["ls"] } }).ok).toBe(false);
  });

  it("an unknown tool lists what is available over HTTP, even when its name is on the deny list", () => {
    const d = decideHttpTool("nope", { known, agent: { deny: ["write"] } });
    expect(d).toEqual({ ok: false, reason: "unknown", message: 'Unknown tool "nope". Available: read, edit, ls, find, web_fetch' });
    expect(decideHttpTool("cron", { known })).toMatchObject({ reason: "unknown" });
  });

  it("httpAvailableTools applies every list", () => {
    expect(httpAvailableTools({ known, gateway: { allow: ["exec"], deny: ["web_fetch"] }, agent: { deny: ["edit"] } })).toEqual([
      "read", "write", "ls", "find", "exec",
    ]);
  });
});
