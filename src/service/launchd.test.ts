import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveServiceContext } from "./context.js";
import { classifyLaunchdJob, LaunchdBackend, parseLaunchctlPrint } from "./launchd.js";
import { renderLaunchdPlist } from "./launchd-plist.js";

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/** A tiny plist XML reader (dict, array, string, integer, true/false), strict about structure. */
function parsePlist(xml: string): PlistValue {
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) throw new Error("missing XML declaration");
  const body = xml.slice(xml.indexOf("<plist"));
  const inner = body.slice(body.indexOf(">") + 1, body.lastIndexOf("</plist>"));
  const tokens = [...inner.matchAll(/<(\/?)([a-z]+)(\/?)>|([^<]+)/g)].map((m) => ({ close: !!m[1], tag: m[2], empty: !!m[3], text: m[4] }));
  let i = 0;
  const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  const skipWs = () => {
    while (i < tokens.length && tokens[i]!.text !== undefined && tokens[i]!.text!.trim() === "") i++;
  };
  const text = (tag: string): string => {
    let out = "";
    while (tokens[i]!.text !== undefined) out += tokens[i++]!.text;
    const end = tokens[i++]!;
    if (!end.close || end.tag !== tag) throw new Error(`expected </${tag}>`);
    return unescape(out);
  };
  const value = (): PlistValue => {
    skipWs();
    const t = tokens[i++]!;
    if (t.tag === "true" && t.empty) return true;
    if (t.tag === "false" && t.empty) return false;
    if (t.tag === "string") return text("string");
    if (t.tag === "integer") return Number(text("integer"));
    if (t.tag === "array") {
      const arr: PlistValue[] = [];
      for (;;) {
        skipWs();
        if (tokens[i]!.close && tokens[i]!.tag === "array") return i++, arr;
        arr.push(value());
      }
    }
    if (t.tag === "dict") {
      const dict: Record<string, PlistValue> = {};
      for (;;) {
        skipWs();
        const k = tokens[i++]!;
        if (k.close && k.tag === "dict") return dict;
        if (k.tag !== "key") throw new Error(`expected <key>, got ${k.tag}`);
        const key = text("key");
        if (key in dict) throw new Error(`duplicate key ${key}`);
        dict[key] = value();
      }
    }
    throw new Error(`unexpected token ${JSON.stringify(t)}`);
  };
  const v = value();
  skipWs();
  if (i !== tokens.length) throw new Error("trailing content");
  return v;
}

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  HOME: "/Users/claw",
  OPENCLAW_SERVICE_MANAGER: "launchd",
  OPENCLAW_STATE_DIR: "/Users/claw/.openclaw",
  ...extra,
});

describe("launchd plist", () => {
  it("parses back with every key the agent needs", () => {
    const backend = new LaunchdBackend(resolveServiceContext({}, env()));
    const plist = parsePlist(backend.render({ port: 18790 })) as Record<string, PlistValue>;
    expect(plist.Label).toBe("ai.openclaw.gateway");
    const args = plist.ProgramArguments as string[];
    expect(args[0]).toBe(process.execPath);
    expect(args.slice(2)).toEqual(["gateway", "run", "--port", "18790"]);
    expect(plist.RunAtLoad).toBe(true);
    expect(plist.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(plist.ThrottleInterval).toBe(30);
    expect(plist.StandardInPath).toBe("/dev/null");
    expect(plist.StandardOutPath).toBe("/Users/claw/Library/Logs/OpenClaw/ai.openclaw.gateway.log");
    expect(plist.StandardErrorPath).toBe("/Users/claw/Library/Logs/OpenClaw/ai.openclaw.gateway.err.log");
    expect(plist.UserName).toBeUndefined();
    expect(plist.EnvironmentVariables).toMatchObject({
      OPENCLAW_STATE_DIR: "/Users/claw/.openclaw",
      OPENCLAW_CONFIG_PATH: "/Users/claw/.openclaw/openclaw.json",
      OPENCLAW_LAUNCHD_LABEL: "ai.openclaw.gateway",
      OPENCLAW_SERVICE_MARKER: "openclaw",
    });
    expect(backend.ctx.filePath).toBe("/Users/claw/Library/LaunchAgents/ai.openclaw.gateway.plist");
    expect(backend.target).toBe(`gui/${process.getuid?.() ?? 0}/ai.openclaw.gateway`);
  });

  it("a profile is ai.openclaw.<profile>; --system is a LaunchDaemon with UserName", () => {
    const profiled = new LaunchdBackend(resolveServiceContext({}, env({ OPENCLAW_PROFILE: "work" })));
    expect(profiled.ctx.name).toBe("ai.openclaw.work");
    expect((parsePlist(profiled.render({})) as Record<string, PlistValue>).Label).toBe("ai.openclaw.work");
    const system = new LaunchdBackend(resolveServiceContext({ system: true }, env()));
    expect(system.ctx.filePath).toBe("/Library/LaunchDaemons/ai.openclaw.gateway.plist");
    expect(system.target).toBe("system/ai.openclaw.gateway");
    const plist = parsePlist(system.render({ runAs: "claw" })) as Record<string, PlistValue>;
    expect(plist.UserName).toBe("claw");
    expect(plist.StandardOutPath).toBe("/Library/Logs/OpenClaw/ai.openclaw.gateway.log");
  });

  it("escapes XML in paths and values", () => {
    const xml = renderLaunchdPlist({
      label: "ai.openclaw.gateway",
      programArguments: ["/opt/a&b/<node>", "x"],
      environment: { K: 'v"<&>' },
      stdoutPath: path.join("/tmp", "o&o.log"),
      stderrPath: "/tmp/e.log",
    });
    const plist = parsePlist(xml) as Record<string, PlistValue>;
    expect((plist.ProgramArguments as string[])[0]).toBe("/opt/a&b/<node>");
    expect(plist.EnvironmentVariables).toEqual({ K: 'v"<&>' });
    expect(plist.StandardOutPath).toBe("/tmp/o&o.log");
  });

  it("the test's reader rejects malformed plists (so the checks above can fail)", () => {
    expect(() => parsePlist('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><string>x</string></dict></plist>')).toThrow(/expected <key>/);
    expect(() => parsePlist('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>a</key><true/><key>a</key><true/></dict></plist>')).toThrow(/duplicate/);
  });
});

// Captured from `launchctl print gui/501/ai.openclaw.gateway` (macOS 14), trimmed.
const printRunning = `gui/501/ai.openclaw.gateway = {
\tactive count = 1
\tpath = /Users/claw/Library/LaunchAgents/ai.openclaw.gateway.plist
\ttype = LaunchAgent
\tstate = running

\tprogram = /opt/homebrew/bin/node
\targuments = {
\t\t/opt/homebrew/bin/node
\t\t/opt/homebrew/lib/node_modules/openclaw-gateway/bin/openclaw.mjs
\t\tgateway
\t\trun
\t}

\tstdout path = /Users/claw/Library/Logs/OpenClaw/ai.openclaw.gateway.log
\tdefault environment = {
\t\tPATH => /usr/bin:/bin:/usr/sbin:/sbin
\t}

\truns = 1
\tpid = 8123
\timmediate reason = speculative
\tforks = 0
\texecs = 1
\tlast exit code = (never exited)
\tspawn type = daemon (3)
}
`;

const printCrashed = `gui/501/ai.openclaw.gateway = {
\tactive count = 0
\tpath = /Users/claw/Library/LaunchAgents/ai.openclaw.gateway.plist
\ttype = LaunchAgent
\tstate = not running

\truns = 7
\tlast exit code = 1
\tspawn type = daemon (3)
}
`;

describe("launchctl print", () => {
  it("reads the top-level properties only", () => {
    const props = parseLaunchctlPrint(printRunning);
    expect(props.state).toBe("running");
    expect(props.pid).toBe("8123");
    expect(props.PATH).toBeUndefined();
    expect(props["last exit code"]).toBe("(never exited)");
  });

  it("classifies running, crash-looping and config errors", () => {
    expect(classifyLaunchdJob(parseLaunchctlPrint(printRunning), "ai.openclaw.gateway")).toMatchObject({ state: "running", mainPid: 8123 });
    const crashed = classifyLaunchdJob(parseLaunchctlPrint(printCrashed), "ai.openclaw.gateway");
    expect(crashed).toMatchObject({ state: "crash-looping", restarts: 6, lastExit: { code: "exited", status: 1 } });
    expect(crashed.detail).toContain("ai.openclaw.gateway.err.log");
    const config = classifyLaunchdJob(parseLaunchctlPrint(printCrashed.replace("last exit code = 1", "last exit code = 78")), "ai.openclaw.gateway");
    expect(config.state).toBe("config-error");
  });
});
