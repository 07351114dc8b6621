import { describe, expect, it } from "vitest";
import { renderSystemdUnit } from "../service/systemd-unit.js";
import { systemdDrift } from "./checks.js";

const unit = (args: string[], env: Record<string, string>) =>
  renderSystemdUnit({ description: "OpenClaw Gateway", programArguments: args, environment: env });

describe("systemdDrift", () => {
  const current = { configPath: "/home/a/.openclaw/openclaw.json", stateDir: "/home/a/.openclaw", port: 18789, exists: (p: string) => p !== "/gone/openclaw.mjs" };
  const env = { OPENCLAW_CONFIG_PATH: current.configPath, OPENCLAW_STATE_DIR: current.stateDir };

  it("finds nothing in a unit written from the current settings", () => {
    expect(systemdDrift(unit(["/usr/bin/node", "/opt/oc/openclaw.mjs", "gateway", "run", "--port", "18789"], env), current)).toEqual([]);
  });

  it("names a moved entry, another port, another config and a missing storm guard", () => {
    const text = unit(["/usr/bin/node", "/gone/openclaw.mjs", "gateway", "run", "--port", "18790"], { ...env, OPENCLAW_CONFIG_PATH: "/etc/other.json" })
      .replace(/^RestartPreventExitStatus=.*\n/m, "")
      .replace(/^StartLimitBurst=.*\n/m, "");
    expect(systemdDrift(text, current)).toEqual([
      "it runs /gone/openclaw.mjs, which no longer exists",
      "it listens on --port 18790, the config says 18789",
      "it reads /etc/other.json, not /home/a/.openclaw/openclaw.json",
      "it lacks RestartPreventExitStatus=78 (a config error would restart forever)",
      "it has no start limit (a crash loop would never stop)",
    ]);
  });
});
