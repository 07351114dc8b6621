// The built-in HTTP stages are wired in the reference's order and loaded on first use.
import { afterEach, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./helpers/in-process.js";
import { localConfig, TEST_TOKEN } from "./helpers/temp-state.js";

let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const auth = { Authorization: `Bearer ${TEST_TOKEN}` };

describe("built-in stages", () => {
  it("disabled /v1 endpoints answer an OpenAI-shaped 404 naming the key; /tools/invoke is always on", async () => {
    gw = await startGateway(localConfig());
    const res = await fetch(`${gw.httpUrl}/v1/models`, { headers: auth });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("endpoint_disabled");
    expect(body.error.message).toContain("gateway.http.endpoints");
    const tools = await fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ tool: "ls" }) });
    expect(tools.status).toBe(200);
    expect(((await tools.json()) as { ok: boolean }).ok).toBe(true);
    expect((await fetch(`${gw.httpUrl}/hooks/wake`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${gw.httpUrl}/health`)).status).toBe(200);
  });

  it("enabled endpoints serve /v1/models with auth; hooks are served when enabled", async () => {
    gw = await startGateway(
      localConfig(
        { hooks: { enabled: true, token: "a-distinct-hooks-token-123" } },
        { http: { endpoints: { chatCompletions: { enabled: true } } } },
      ),
    );
    expect((await fetch(`${gw.httpUrl}/v1/models`)).status).toBe(401);
    const res = await fetch(`${gw.httpUrl}/v1/models`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/.+/);
    const list = (await res.json()) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).toEqual(["openclaw", "openclaw/default", "openclaw/main"]);
    const hook = await fetch(`${gw.httpUrl}/hooks/wake?token=x`, { method: "POST" });
    expect(hook.status).toBe(400);
    expect(await hook.text()).toBe("Hook token must be provided via Authorization: Bearer <token> or X-OpenClaw-Token header (query parameters are not allowed).");
  });

  it("hooks sharing the gateway token are refused at startup", async () => {
    await expect(startGateway(localConfig({ hooks: { enabled: true, token: TEST_TOKEN } }))).rejects.toThrow(
      "Invalid config: hooks.token must not match gateway auth token. Set a distinct hooks.token for hook ingress.",
    );
  });
});
