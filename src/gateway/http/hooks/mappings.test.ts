import { describe, expect, it } from "vitest";
import { findMapping, HookConfigError, mappingFields, parseMappings } from "./mappings.js";
import { gmailOverride, presetMappings } from "./presets.js";

const ctx = (payload: unknown, path = "github") => ({ payload, headers: { "x-event": "push" }, path });

describe("parseMappings", () => {
  it("accepts the documented shape and normalises the path", () => {
    const [m] = parseMappings([
      { id: "gh", match: { path: "/github/" }, action: "agent", name: "GitHub", messageTemplate: "{{repo}}", sessionKey: "hook:gh:{{repo}}", timeoutSeconds: 30, deliver: false },
    ]);
    expect(m).toMatchObject({ id: "gh", match: { path: "github" }, action: "agent", fields: { name: "GitHub", timeoutSeconds: 30, deliver: false } });
  });

  it("defaults the action to agent and the id to the config path", () => {
    expect(parseMappings([{ match: { path: "x" }, messageTemplate: "m" }])[0]).toMatchObject({ id: "hooks.mappings[0]", action: "agent" });
  });

  it("takes match.source as a string (payload.source) or {field, equals}", () => {
    const [a, b] = parseMappings([
      { match: { source: "stripe" }, messageTemplate: "m" },
      { match: { source: { field: "repo.name", equals: "openclaw" } }, messageTemplate: "m" },
    ]);
    expect(a!.match.source).toEqual({ field: "source", equals: "stripe" });
    expect(b!.match.source).toEqual({ field: "repo.name", equals: "openclaw" });
  });

  it.each([
    [[{ messageTemplate: "m" }], "hooks.mappings[0].match must be an object with path or source"],
    [[{ match: {}, messageTemplate: "m" }], "hooks.mappings[0].match needs path or source"],
    [[{ match: { path: "x" }, action: "run", messageTemplate: "m" }], 'hooks.mappings[0].action must be "agent" or "wake"'],
    [[{ match: { path: "x" } }], "hooks.mappings[0] needs messageTemplate or transform.module"],
    [[{ match: { path: "x" }, action: "wake" }], "hooks.mappings[0] needs textTemplate or messageTemplate or transform.module"],
    [[{ match: { path: "x" }, messageTemplate: "m", wakeMode: "later" }], 'hooks.mappings[0].wakeMode must be "now" or "next-heartbeat"'],
    [[{ match: { path: "x" }, messageTemplate: "m", timeoutSeconds: 0 }], "hooks.mappings[0].timeoutSeconds must be a positive integer"],
    [[{ match: { path: "x" }, transform: {} }], "hooks.mappings[0].transform.module must be a non-empty string"],
    [[{ match: { source: { field: "a" } }, messageTemplate: "m" }], "hooks.mappings[0].match.source must be a string or { field: string, equals: string | number | boolean }"],
  ])("refuses %j", (raw, message) => {
    expect(() => parseMappings(raw)).toThrow(new HookConfigError(message));
  });
});

describe("findMapping", () => {
  const mappings = parseMappings([
    { id: "gh-push", match: { path: "github", source: { field: "action", equals: "push" } }, messageTemplate: "push" },
    { id: "gh", match: { path: "github" }, messageTemplate: "any" },
    { id: "stripe", match: { source: "stripe" }, messageTemplate: "s" },
  ]);

  it("first match wins; all criteria must hold", () => {
    expect(findMapping(mappings, "github", { action: "push" })?.id).toBe("gh-push");
    expect(findMapping(mappings, "/github/", { action: "pull" })?.id).toBe("gh");
  });

  it("a source-only mapping matches on any sub-path", () => {
    expect(findMapping(mappings, "anything", { source: "stripe" })?.id).toBe("stripe");
  });

  it("unmatched gives undefined", () => {
    expect(findMapping(mappings, "gitlab", {})).toBeUndefined();
    expect(findMapping(mappings, "gitlab", "not an object")).toBeUndefined();
  });
});

describe("mappingFields", () => {
  it("renders message and session key templates for agent mappings", () => {
    const [m] = parseMappings([{ match: { path: "github" }, name: "GH", messageTemplate: "{{payload.repo}} {{headers.x-event}} {{path}}", sessionKey: "hook:gh:{{repo}}" }]);
    expect(mappingFields(m!, ctx({ repo: "oc" }))).toEqual({ action: "agent", name: "GH", message: "oc push github", sessionKey: "hook:gh:oc" });
  });

  it("an empty rendered session key is dropped (the default applies)", () => {
    const [m] = parseMappings([{ match: { path: "github" }, messageTemplate: "m", sessionKey: "{{missing}}" }]);
    expect(mappingFields(m!, ctx({}))).not.toHaveProperty("sessionKey");
  });

  it("wake mappings render text (textTemplate, else messageTemplate) and map wakeMode to mode", () => {
    const [a, b] = parseMappings([
      { match: { path: "a" }, action: "wake", textTemplate: "t {{x}}", messageTemplate: "m", wakeMode: "next-heartbeat" },
      { match: { path: "b" }, action: "wake", messageTemplate: "m {{x}}" },
    ]);
    expect(mappingFields(a!, ctx({ x: 1 }))).toEqual({ action: "wake", text: "t 1", mode: "next-heartbeat" });
    expect(mappingFields(b!, ctx({ x: 2 }))).toEqual({ action: "wake", text: "m 2" });
  });
});

describe("gmail preset", () => {
  it("is a mapping on <path>/gmail; unknown presets are refused", () => {
    expect(presetMappings(["gmail"])[0]).toMatchObject({ match: { path: "gmail" }, action: "agent", fields: { name: "Gmail" } });
    expect(() => presetMappings(["outlook"])).toThrow('hooks.presets[0]: unknown preset "outlook" (available: gmail)');
  });

  it("turns a push summary into one message and a per-message session", () => {
    const out = gmailOverride(ctx({ account: "me@example.com", messages: [{ id: "18f/a", from: "Ann <ann@x.org>", subject: "Lunch?", snippet: "Are you free" }, { from: "Bob" }] }, "gmail"));
    expect(out!.sessionKey).toBe("hook:gmail:18fa");
    expect(out!.message).toBe(
      "New emails for me@example.com (2):\n\nFrom: Ann <ann@x.org>\nSubject: Lunch?\n\nAre you free\n\nFrom: Bob\nSubject: (no subject)",
    );
  });

  it("no messages drops the request", () => {
    expect(gmailOverride(ctx({ messages: [] }, "gmail"))).toBeNull();
    expect(gmailOverride(ctx({}, "gmail"))).toBeNull();
  });
});
