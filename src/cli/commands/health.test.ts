import { describe, expect, it } from "vitest";
import { renderHealth } from "./health.js";

describe("renderHealth", () => {
  it("summarises agents, sessions and channels", () => {
    const summary = {
      ok: true,
      defaultAgentId: "main",
      agents: [
        { agentId: "main", isDefault: true, sessions: { count: 2 } },
        { agentId: "ops", name: "Ops", isDefault: false, sessions: 1 },
      ],
      sessions: { path: "/s", count: 3, recent: [{ key: "k", age: 5_000 }] },
      channels: {},
      channelOrder: [],
    };
    expect(renderHealth(summary, 12)).toEqual([
      "Gateway: ok (12ms)",
      "Agents: 2 (default: main)",
      "  main: 2 sessions",
      '  ops "Ops": 1 session',
      "Sessions: 3, last active 5s ago",
      "Channels: none",
    ]);
  });

  it("tolerates an empty payload", () => {
    expect(renderHealth({}, 3)).toEqual(["Gateway: ok (3ms)", "Agents: 0", "Channels: none"]);
  });
});
