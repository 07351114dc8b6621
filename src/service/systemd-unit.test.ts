import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { resolveServiceContext, serviceDescription, serviceProgram } from "./context.js";
import { parseEnvironment, parseUnitFile, quoteSystemdArg, renderSystemdUnit, splitExecStart } from "./systemd-unit.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/openclaw.mjs");
const tmp = mkdtempSync(path.join(os.tmpdir(), "openclaw-unit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { HOME: path.join(tmp, "home"), OPENCLAW_STATE_DIR: path.join(tmp, "state"), OPENCLAW_SERVICE_MANAGER: "systemd", OPENCLAW_SERVICE_DIR: tmp, ...extra };
}

function userUnit(extra: Record<string, string> = {}, port?: number) {
  const ctx = resolveServiceContext({}, env(extra));
  const program = serviceProgram(ctx, { entry: BIN, ...(port !== undefined ? { port } : {}) });
  return { ctx, text: renderSystemdUnit({ ...program, description: serviceDescription(ctx) }) };
}

describe("systemd unit", () => {
  it("has the reference body, field by field", () => {
    const { text } = userUnit({}, 18790);
    const unit = parseUnitFile(text);
    expect([...unit.keys()]).toEqual(["Unit", "Service", "Install"]);
    const u = unit.get("Unit")!;
    expect(u.get("Description")).toEqual(["OpenClaw Gateway"]);
    expect(u.get("After")).toEqual(["network-online.target"]);
    expect(u.get("Wants")).toEqual(["network-online.target"]);
    expect(u.get("StartLimitBurst")).toEqual(["5"]);
    expect(u.get("StartLimitIntervalSec")).toEqual(["60"]);
    const s = unit.get("Service")!;
    expect(splitExecStart(s.get("ExecStart")![0]!)).toEqual([process.execPath, BIN, "gateway", "run", "--port", "18790"]);
    expect(s.get("Restart")).toEqual(["always"]);
    expect(s.get("RestartSec")).toEqual(["5"]);
    expect(s.get("RestartPreventExitStatus")).toEqual(["78"]);
    expect(s.get("TimeoutStartSec")).toEqual(["30"]);
    expect(s.get("TimeoutStopSec")).toEqual(["30"]);
    expect(s.get("SuccessExitStatus")).toEqual(["0 143"]);
    expect(s.get("KillMode")).toEqual(["control-group"]);
    expect(s.get("StandardInput")).toEqual(["null"]);
    expect(s.has("User")).toBe(false);
    const e = parseEnvironment(s.get("Environment")!);
    expect(e).toMatchObject({
      OPENCLAW_STATE_DIR: path.join(tmp, "state"),
      OPENCLAW_CONFIG_PATH: path.join(tmp, "state", "openclaw.json"),
      OPENCLAW_SERVICE_MARKER: "openclaw",
      OPENCLAW_SERVICE_KIND: "gateway",
      OPENCLAW_SYSTEMD_UNIT: "openclaw-gateway.service",
    });
    expect(e.OPENCLAW_PROFILE).toBeUndefined();
    expect(e.OPENCLAW_GATEWAY_TOKEN).toBeUndefined();
    expect(unit.get("Install")!.get("WantedBy")).toEqual(["default.target"]);
  });

  it("a profile gets its own unit name, description and env; no --port means the config decides", () => {
    const { ctx, text } = userUnit({ OPENCLAW_PROFILE: "work" });
    expect(ctx.name).toBe("openclaw-gateway-work.service");
    expect(ctx.filePath).toBe(path.join(tmp, "openclaw-gateway-work.service"));
    const s = parseUnitFile(text).get("Service")!;
    expect(splitExecStart(s.get("ExecStart")![0]!)).toEqual([process.execPath, BIN, "gateway", "run"]);
    expect(parseEnvironment(s.get("Environment")!)).toMatchObject({ OPENCLAW_PROFILE: "work", OPENCLAW_SYSTEMD_UNIT: "openclaw-gateway-work.service" });
    expect(parseUnitFile(text).get("Unit")!.get("Description")![0]).toMatch(/^OpenClaw Gateway \(profile: work, v\d+\.\d+\.\d+\)$/);
  });

  it("system units carry User= and start with multi-user.target", () => {
    const text = renderSystemdUnit({ programArguments: ["/usr/bin/node", "/opt/oc/bin/openclaw.mjs", "gateway", "run"], environment: {}, description: "OpenClaw Gateway", system: true, user: "claw" });
    const unit = parseUnitFile(text);
    expect(unit.get("Service")!.get("User")).toEqual(["claw"]);
    expect(unit.get("Install")!.get("WantedBy")).toEqual(["multi-user.target"]);
  });

  it("quotes paths with spaces, %, $ and quotes so they survive systemd's splitting", () => {
    const args = ["/opt/my node/node", "/srv/100%/open\"claw\".mjs", "gateway", "run", "$HOME"];
    const line = args.map(quoteSystemdArg).join(" ");
    expect(splitExecStart(line)).toEqual(args);
    const text = renderSystemdUnit({ programArguments: args, environment: { OPENCLAW_STATE_DIR: "/srv/a b/100%" }, description: "x" });
    expect(parseEnvironment(parseUnitFile(text).get("Service")!.get("Environment")!)).toEqual({ OPENCLAW_STATE_DIR: "/srv/a b/100%" });
  });

  it("refuses env values that would break the file", () => {
    expect(() => renderSystemdUnit({ programArguments: ["/bin/true"], environment: { "BAD NAME": "x" }, description: "x" })).toThrow(/invalid environment variable name/);
    expect(() => renderSystemdUnit({ programArguments: ["/bin/true"], environment: { OK: "a\nExecStartPre=/bin/rm" }, description: "x" })).toThrow(/line break/);
  });

  const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((p) => existsSync(p));
  it.skipIf(process.platform !== "linux")("passes systemd-analyze verify (user and system) without a single warning", () => {
    expect(analyze, "systemd-analyze is required on Linux (apt-get install systemd)").toBeDefined();
    const dir = path.join(tmp, "verify");
    mkdirSync(dir, { recursive: true });
    const runtime = path.join(tmp, "runtime");
    mkdirSync(runtime, { recursive: true, mode: 0o700 });
    for (const system of [false, true]) {
      const { text } = userUnit({}, 18790);
      const body = system ? renderSystemdUnit({ ...serviceProgram(resolveServiceContext({ system: true }, env()), { entry: BIN }), description: "OpenClaw Gateway", system: true, user: os.userInfo().username }) : text;
      const file = path.join(dir, "openclaw-gateway.service");
      writeFileSync(file, body);
      const r = spawnSync(analyze!, ["verify", ...(system ? [] : ["--user"]), file], { encoding: "utf8", env: { ...process.env, XDG_RUNTIME_DIR: runtime } });
      const complaints = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.includes("openclaw-gateway"));
      expect(complaints, `${r.stdout}${r.stderr}`).toEqual([]);
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }
    // The verifier does catch a broken unit (so the check above can fail).
    const bad = path.join(dir, "openclaw-gateway.service");
    writeFileSync(bad, "[Service]\nExecStart=/nonexistent/node x\nRestart=sometimes\n");
    const out = execFileSync("sh", ["-c", `${analyze} verify ${bad} 2>&1 || true`], { encoding: "utf8" });
    expect(out).toMatch(/restart specifier|not executable/);
  });
});
