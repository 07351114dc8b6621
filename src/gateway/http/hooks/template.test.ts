import { describe, expect, it } from "vitest";
import { lookup, renderTemplate, splitPath, type TemplateContext } from "./template.js";

const ctx: TemplateContext = {
  payload: { repo: { name: "openclaw", stars: 3, private: false }, commits: [{ id: "abc" }, { id: "def" }], empty: null },
  headers: { "x-github-event": "push" },
  path: "github",
};

describe("templates", () => {
  it("splits dotted and indexed paths", () => {
    expect(splitPath("a.b[0].c")).toEqual(["a", "b", "0", "c"]);
    expect(splitPath(" a . b ")).toEqual(["a", "b"]);
  });

  it("renders payload, headers and path", () => {
    expect(renderTemplate("{{payload.repo.name}} got {{headers.x-github-event}} on {{path}}", ctx)).toBe("openclaw got push on github");
    expect(renderTemplate("{{ payload.commits[1].id }} {{payload.commits.0.id}}", ctx)).toBe("def abc");
  });

  it("a bare expression reads the payload", () => {
    expect(renderTemplate("{{repo.name}}/{{commits[0].id}}", ctx)).toBe("openclaw/abc");
  });

  it("header names are case-insensitive", () => {
    expect(renderTemplate("{{headers.X-GitHub-Event}}", ctx)).toBe("push");
  });

  it("missing values render empty; scalars as text; objects as JSON", () => {
    expect(renderTemplate("[{{payload.nope.deeper}}][{{payload.empty}}][{{headers.missing}}]", ctx)).toBe("[][][]");
    expect(renderTemplate("{{payload.repo.stars}} {{payload.repo.private}}", ctx)).toBe("3 false");
    expect(renderTemplate("{{payload.commits[0]}}", ctx)).toBe('{"id":"abc"}');
  });

  it("reads only own properties", () => {
    expect(renderTemplate("{{payload.constructor}}{{payload.repo.__proto__}}{{payload.repo.toString}}", ctx)).toBe("");
    expect(lookup([1, 2], ["length"])).toBeUndefined();
  });

  it("text without expressions is unchanged, including lone braces", () => {
    expect(renderTemplate("plain { text } {{", ctx)).toBe("plain { text } {{");
  });
});
