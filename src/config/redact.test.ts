import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import { isSecretKey, REDACTED, redactConfig, redactRaw, restoreRedacted } from "./redact.js";

const ref = { source: "env", provider: "default", id: "OPENAI_API_KEY" };

describe("redactConfig", () => {
  it("replaces secret strings under the listed key names, case-insensitively", () => {
    const config = {
      gateway: { auth: { mode: "token", token: "gw-tok", password: "pw" }, remote: { token: "rt" } },
      channels: {
        telegram: { botToken: "bt", BOTTOKEN: "bt2" },
        slack: { appToken: "at", signingSecret: "ss", clientSecret: "cs", accessToken: "ac", refreshToken: "rf" },
        x: { privateKey: "pk", Secret: "s", apiKey: "ak", ApiKey: "ak2" },
      },
      agents: { list: [{ id: "main", tools: { apiKey: "nested" } }] },
    };
    const redacted = redactConfig(config);
    expect(redacted).toEqual({
      gateway: { auth: { mode: "token", token: REDACTED, password: REDACTED }, remote: { token: REDACTED } },
      channels: {
        telegram: { botToken: REDACTED, BOTTOKEN: REDACTED },
        slack: { appToken: REDACTED, signingSecret: REDACTED, clientSecret: REDACTED, accessToken: REDACTED, refreshToken: REDACTED },
        x: { privateKey: REDACTED, Secret: REDACTED, apiKey: REDACTED, ApiKey: REDACTED },
      },
      agents: { list: [{ id: "main", tools: { apiKey: REDACTED } }] },
    });
    expect(config.gateway.auth.token).toBe("gw-tok");
  });

  it("also catches env-style and prefixed secret names", () => {
    expect(redactConfig({ env: { OPENAI_API_KEY: "sk", vars: { GITHUB_TOKEN: "gh" }, EDITOR: "vim" } })).toEqual({
      env: { OPENAI_API_KEY: REDACTED, vars: { GITHUB_TOKEN: REDACTED }, EDITOR: "vim" },
    });
    expect(redactConfig({ models: { providers: { p: { headers: { Authorization: "Bearer x" } } } } })).toEqual({
      models: { providers: { p: { headers: { Authorization: REDACTED } } } },
    });
  });

  it("keeps SecretRefs, empty strings, env references, non-strings and look-alike keys", () => {
    const config = {
      gateway: { auth: { token: ref, password: "" } },
      hooks: { token: "${HOOKS_TOKEN}" },
      models: { providers: { p: { apiKey: ref, models: [{ id: "m", maxTokens: 100, contextTokens: 5 }] } } },
      x: { token: 5, requireToken: true, tokenFile: "/path", mainKey: "main" },
    };
    expect(redactConfig(config)).toEqual(config);
  });

  it("classifies key names", () => {
    for (const key of ["token", "PASSWORD", "apiKey", "api_key", "webhookSecret", "refresh-token"]) expect(isSecretKey(key), key).toBe(true);
    for (const key of ["maxTokens", "tokenSource", "mode", "secrets", "sessionKey", "authHeader"]) expect(isSecretKey(key), key).toBe(false);
  });
});

describe("redactRaw", () => {
  it("replaces whole string literals holding secrets, keeping quotes, comments and layout", () => {
    const raw = `// token: "gw-tok" in a comment is left alone
{
  gateway: { auth: { token: "gw-tok", mode: 'token' } },
  channels: { telegram: { botToken: '123:abc' } },
  other: "gw-tok-but-longer",
}
`;
    const config = JSON5.parse(raw);
    expect(redactRaw(raw, config)).toBe(`// token: "gw-tok" in a comment is left alone
{
  gateway: { auth: { token: "${REDACTED}", mode: 'token' } },
  channels: { telegram: { botToken: '${REDACTED}' } },
  other: "gw-tok-but-longer",
}
`);
  });

  it("redacts secrets known only from the resolved config, wherever the literal appears", () => {
    // The file holds the value under a non-secret key; the resolved config shows it is a secret.
    const raw = '{ "copy": "s3cr3t", "gateway": { "auth": { "token": "${GW}" } } }';
    const resolved = { gateway: { auth: { token: "s3cr3t" } } };
    expect(redactRaw(raw, resolved)).toBe(`{ "copy": "${REDACTED}", "gateway": { "auth": { "token": "\${GW}" } } }`);
  });

  it("scrubs longer secrets from comments and from inside other strings", () => {
    const raw = `// old token was long-secret-123
{
  gateway: { auth: { token: "long-secret-123" }, remote: { url: "wss://h/?t=long-secret-123" } },
  note: "a long-secret-1234 lookalike is still scrubbed by prefix",
}`;
    const out = redactRaw(raw, JSON5.parse(raw));
    expect(out).not.toContain("long-secret-123");
    expect(out).toContain(`// old token was ${REDACTED}`);
    expect(out).toContain(`url: "wss://h/?t=${REDACTED}"`);
  });

  it("handles escapes, keys equal to a secret, and unparseable text", () => {
    const raw = String.raw`{ "password": "a\"b", "a\"b": 1 }`;
    expect(redactRaw(raw, {})).toBe(`{ "password": "${REDACTED}", "a\\"b": 1 }`);
    expect(redactRaw('{ token: "abc", broken', { gateway: { auth: { token: "abc" } } })).toBe(`{ token: "${REDACTED}", broken`);
    expect(redactRaw("{ a: 1 /* open comment", {})).toBe("{ a: 1 /* open comment");
  });

  it("returns the text unchanged when there are no secrets", () => {
    const raw = "{ gateway: { mode: 'local' } }";
    expect(redactRaw(raw, JSON5.parse(raw))).toBe(raw);
  });
});

describe("restoreRedacted", () => {
  const current = { gateway: { auth: { token: "real", password: ref } }, agents: { list: [{ id: "a", apiKey: "k" }] } };

  it("puts current values back where the placeholder was round-tripped", () => {
    const next = { gateway: { auth: { token: REDACTED, password: REDACTED }, port: 1 }, agents: { list: [{ id: "a", apiKey: REDACTED }] } };
    expect(restoreRedacted(next, current)).toEqual({
      value: { gateway: { auth: { token: "real", password: ref }, port: 1 }, agents: { list: [{ id: "a", apiKey: "k" }] } },
      issues: [],
    });
    expect(next.gateway.auth.token).toBe(REDACTED);
  });

  it("keeps newly supplied values and reports placeholders with nothing to restore", () => {
    const next = { gateway: { auth: { token: "new" } }, hooks: { token: REDACTED } };
    const result = restoreRedacted(next, current, "/c.json");
    expect(result.value).toEqual(next);
    expect(result.issues).toEqual([
      { file: "/c.json", path: "hooks.token", message: `"${REDACTED}" has no current value to restore; provide the real value` },
    ]);
  });

  it("round-trips redactConfig output to the original", () => {
    expect(restoreRedacted(redactConfig(current), current).value).toEqual(current);
  });
});
