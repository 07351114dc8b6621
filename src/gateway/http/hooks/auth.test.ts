import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { HookAuth, hookHeaders, hookTokenFromRequest } from "./auth.js";

const req = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as IncomingMessage;

describe("hook auth", () => {
  it("reads the token from Bearer or X-OpenClaw-Token", () => {
    expect(hookTokenFromRequest(req({ authorization: "Bearer abc" }))).toBe("abc");
    expect(hookTokenFromRequest(req({ authorization: "bearer  abc " }))).toBe("abc");
    expect(hookTokenFromRequest(req({ "x-openclaw-token": "xyz" }))).toBe("xyz");
    expect(hookTokenFromRequest(req({ authorization: "Basic abc" }))).toBeUndefined();
  });

  it("locks out an address after 10 failures, loopback included, even for the right token", () => {
    let now = 1_000;
    const auth = new HookAuth(undefined, () => now);
    for (let i = 0; i < 10; i++) expect(auth.check(req({ authorization: "Bearer wrong" }), "127.0.0.1", "secret")).toEqual({ ok: false, status: 401 });
    expect(auth.check(req({ authorization: "Bearer secret" }), "127.0.0.1", "secret")).toEqual({ ok: false, status: 429, retryAfterSeconds: 300 });
    expect(auth.check(req({ authorization: "Bearer secret" }), "10.0.0.2", "secret")).toEqual({ ok: true });
    now += 300_001;
    expect(auth.check(req({ authorization: "Bearer secret" }), "127.0.0.1", "secret")).toEqual({ ok: true });
  });

  it("hides credentials from hook headers", () => {
    const h = hookHeaders(req({ authorization: "Bearer s", "x-openclaw-token": "s", cookie: "c", "x-event": "push", "x-multi": ["a", "b"] }));
    expect(h).toEqual({ "x-event": "push", "x-multi": "a, b" });
  });
});
