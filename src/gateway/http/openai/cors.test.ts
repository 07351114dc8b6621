import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import type { OpenClawConfig } from "../../../config/schema.js";
import { allowedRequestHeaders, handleCors } from "./cors.js";

function fakeRes() {
  const headers: Record<string, string> = {};
  const res = {
    statusCode: 200,
    ended: false,
    setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = String(v)),
    getHeader: (k: string) => headers[k.toLowerCase()],
    end() {
      res.ended = true;
    },
  };
  return { res, headers, as: res as unknown as ServerResponse };
}

const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;
const config = (allowedOrigins?: string[]): OpenClawConfig => ({ gateway: { http: { cors: { ...(allowedOrigins ? { allowedOrigins } : {}) } } } });

describe("handleCors", () => {
  it("adds nothing without config or Origin", () => {
    const a = fakeRes();
    expect(handleCors(config(), req("GET", { origin: "https://app.example" }), a.as)).toBe(false);
    expect(a.headers).toEqual({});
    const b = fakeRes();
    expect(handleCors(config(["*"]), req("GET", {}), b.as)).toBe(false);
    expect(b.headers).toEqual({});
  });

  it("echoes an allowed origin and exposes x-request-id", () => {
    const a = fakeRes();
    expect(handleCors(config(["https://app.example/"]), req("POST", { origin: "https://app.example" }), a.as)).toBe(false);
    expect(a.headers).toMatchObject({ "access-control-allow-origin": "https://app.example", vary: "Origin" });
    expect(a.headers["access-control-expose-headers"]).toContain("x-request-id");
  });

  it("gives a disallowed origin no CORS headers", () => {
    const a = fakeRes();
    expect(handleCors(config(["https://app.example"]), req("OPTIONS", { origin: "https://evil.example", "access-control-request-method": "POST" }), a.as)).toBe(false);
    expect(a.headers["access-control-allow-origin"]).toBeUndefined();
    expect(a.res.ended).toBe(false);
  });

  it("answers an allowed preflight with 204", () => {
    const a = fakeRes();
    const r = req("OPTIONS", { origin: "https://x.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type,x-stainless-os,x-openclaw-session-key,x-evil" });
    expect(handleCors(config(["*"]), r, a.as)).toBe(true);
    expect(a.res.statusCode).toBe(204);
    expect(a.res.ended).toBe(true);
    expect(a.headers["access-control-allow-methods"]).toBe("GET, POST, OPTIONS");
    expect(a.headers["access-control-max-age"]).toBe("600");
    expect(a.headers["access-control-allow-headers"]).toContain("x-stainless-os");
    expect(a.headers["access-control-allow-headers"]).not.toContain("x-evil");
  });

  it("allows the header families and the base set", () => {
    expect(allowedRequestHeaders("OpenAI-Organization, X-OpenClaw-Agent-Id")).toBe("authorization, content-type, accept, x-request-id, user-agent, openai-organization, x-openclaw-agent-id");
  });
});
