import { describe, expect, it } from "vitest";
import { classifyUnit, parseShowOutput } from "./systemd-status.js";

// Captured from `systemctl --user show openclaw-gateway.service --property=...` (systemd 252):
// systemctl prints properties in its own order, not the order asked for.
const running = `MainPID=48213
NRestarts=0
ExecMainStartTimestamp=Wed 2026-11-25 09:14:03 UTC
ExecMainExitTimestamp=
ExecMainCode=0
ExecMainStatus=0
Result=success
LoadState=loaded
ActiveState=active
SubState=running
FragmentPath=/home/claw/.config/systemd/user/openclaw-gateway.service
UnitFileState=enabled
`;

const autoRestart = `MainPID=0
NRestarts=3
ExecMainStartTimestamp=Wed 2026-11-25 09:20:41 UTC
ExecMainExitTimestamp=Wed 2026-11-25 09:20:46 UTC
ExecMainCode=1
ExecMainStatus=1
Result=exit-code
LoadState=loaded
ActiveState=activating
SubState=auto-restart
FragmentPath=/home/claw/.config/systemd/user/openclaw-gateway.service
UnitFileState=enabled
`;

const startLimit = `MainPID=0
NRestarts=5
ExecMainStartTimestamp=Wed 2026-11-25 09:21:07 UTC
ExecMainExitTimestamp=Wed 2026-11-25 09:21:12 UTC
ExecMainCode=1
ExecMainStatus=1
Result=start-limit-hit
LoadState=loaded
ActiveState=failed
SubState=failed
FragmentPath=/home/claw/.config/systemd/user/openclaw-gateway.service
UnitFileState=enabled
`;

const configError = `MainPID=0
NRestarts=0
ExecMainStartTimestamp=Wed 2026-11-25 09:30:00 UTC
ExecMainExitTimestamp=Wed 2026-11-25 09:30:00 UTC
ExecMainCode=1
ExecMainStatus=78
Result=exit-code
LoadState=loaded
ActiveState=failed
SubState=failed
FragmentPath=/home/claw/.config/systemd/user/openclaw-gateway.service
UnitFileState=enabled
`;

const killed = `MainPID=0
NRestarts=0
ExecMainCode=2
ExecMainStatus=9
Result=signal
LoadState=loaded
ActiveState=failed
SubState=failed
UnitFileState=disabled
`;

const stopping = `MainPID=48213
NRestarts=0
ExecMainCode=0
ExecMainStatus=0
Result=success
LoadState=loaded
ActiveState=deactivating
SubState=stop-sigterm
UnitFileState=enabled
`;

const notFound = `MainPID=0
NRestarts=0
ExecMainStartTimestamp=
ExecMainExitTimestamp=
ExecMainCode=0
ExecMainStatus=0
Result=success
LoadState=not-found
ActiveState=inactive
SubState=dead
FragmentPath=
UnitFileState=
`;

const stopped = `MainPID=0
NRestarts=0
ExecMainStartTimestamp=Wed 2026-11-25 09:14:03 UTC
ExecMainExitTimestamp=Wed 2026-11-25 10:00:00 UTC
ExecMainCode=1
ExecMainStatus=0
Result=success
LoadState=loaded
ActiveState=inactive
SubState=dead
UnitFileState=enabled
`;

const unit = "openclaw-gateway.service";

describe("systemctl show parsing", () => {
  it("parses key=value lines and keeps values containing '='", () => {
    const props = parseShowOutput("Environment=A=1 B=2\nActiveState=active\n\nnot a property\n");
    expect(props).toEqual({ Environment: "A=1 B=2", ActiveState: "active" });
  });

  it("running", () => {
    const rt = classifyUnit(parseShowOutput(running), unit);
    expect(rt).toMatchObject({ state: "running", mainPid: 48213, restarts: 0, unitFileState: "enabled" });
    expect(rt.detail).toBe("running (pid 48213)");
  });

  it("a crash loop between restarts is crash-looping, with the exit status and the journal command", () => {
    const rt = classifyUnit(parseShowOutput(autoRestart), unit);
    expect(rt.state).toBe("crash-looping");
    expect(rt.restarts).toBe(3);
    expect(rt.lastExit).toEqual({ code: "exited", status: 1 });
    expect(rt.detail).toContain("exit status 1");
    expect(rt.detail).toContain("journalctl --user -u openclaw-gateway.service -n 50");
  });

  it("start-limit-hit is shown as crash-looped and says how to recover", () => {
    const rt = classifyUnit(parseShowOutput(startLimit), unit);
    expect(rt.state).toBe("start-limited");
    expect(rt.detail).toMatch(/^crash-looped: gave up after 5 starts in 60s \(last: exit status 1\)/);
    expect(rt.detail).toContain("openclaw gateway restart");
  });

  it("exit 78 is a config error that is not restarted", () => {
    const rt = classifyUnit(parseShowOutput(configError), unit);
    expect(rt.state).toBe("config-error");
    expect(rt.detail).toContain("openclaw config validate");
  });

  it("killed by a signal is failed, naming the signal; system units use journalctl without --user", () => {
    const rt = classifyUnit(parseShowOutput(killed), unit, "--system");
    expect(rt.state).toBe("failed");
    expect(rt.detail).toBe("failed (signal, signal 9); see journalctl -u openclaw-gateway.service -n 50");
  });

  it("stopping, stopped, not found", () => {
    expect(classifyUnit(parseShowOutput(stopping), unit)).toMatchObject({ state: "stopping", detail: "stopping (stop-sigterm), pid 48213 still running" });
    expect(classifyUnit(parseShowOutput(stopped), unit)).toMatchObject({ state: "stopped", detail: "stopped" });
    expect(classifyUnit(parseShowOutput(notFound), unit).state).toBe("not-loaded");
  });

  it("empty or garbage output never throws", () => {
    expect(classifyUnit(parseShowOutput(""), unit).state).toBe("stopped");
    expect(classifyUnit(parseShowOutput("MainPID=[not set]\nNRestarts=x\n"), unit)).toEqual({ state: "stopped", detail: "stopped" });
  });
});
