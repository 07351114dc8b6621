// `openclaw gateway [run]` and its management subcommands. The server (and everything it
// loads) is imported only when the gateway actually runs; status/call/stop load their own files.
import type { Command } from "commander";
import type { GatewayRunOptions } from "../../gateway/run.js";
import { addConnectionOptions } from "../connection-options.js";
import type { SetExitCode } from "../program.js";
import { registerServiceCommands } from "./gateway-service-register.js";

/** Commander's parsed `gateway run` flags are exactly what the run command takes. */
type RunFlags = GatewayRunOptions;

function addRunOptions(cmd: Command): Command {
  return cmd
    .option("--port <port>", "port to listen on (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789)")
    .option("--bind <mode>", "loopback | lan | tailnet | auto | custom (default: gateway.bind or loopback)")
    .option("--token <token>", "shared token clients must present (also sets OPENCLAW_GATEWAY_TOKEN)")
    .option("--auth <mode>", "none | token | password | trusted-proxy")
    .option("--password <password>", "shared password (visible in process listings; prefer --password-file)")
    .option("--password-file <path>", "read the shared password from a file")
    .option("--tailscale <mode>", "off | serve | funnel")
    .option("--tailscale-reset-on-exit", "undo tailscale serve/funnel when the gateway stops")
    .option("--allow-unconfigured", "start without a config or with gateway.mode other than local")
    .option("--dev", "create a dev config and workspace if missing (use with the root --dev for port 19001)")
    .option("--reset", "with --dev: recreate the dev config and workspace")
    .option("--force", "stop whatever listens on the port first")
    .option("--verbose", "verbose console logging (the file log is unaffected)")
    .option("--ws-log <style>", "WebSocket console log style: auto | full | compact", "auto")
    .option("--compact", "same as --ws-log compact")
    .option("--cli-backend-logs", "accepted for compatibility (no effect)")
    .addOption(hidden(cmd, "--claude-cli-logs", "deprecated alias of --cli-backend-logs"))
    .option("--raw-stream", "accepted for compatibility (no effect)")
    .option("--raw-stream-path <path>", "accepted for compatibility (no effect)");
}

function hidden(cmd: Command, flags: string, description: string) {
  return cmd.createOption(flags, description).hideHelp();
}

function toRunOptions(flags: RunFlags) {
  const keys = [
    "port", "bind", "token", "auth", "password", "passwordFile", "tailscale", "tailscaleResetOnExit",
    "allowUnconfigured", "dev", "reset", "force", "verbose", "wsLog", "compact",
  ] as const;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (flags[key] !== undefined) out[key] = flags[key];
  return out as RunFlags;
}

export function register(program: Command, setExit: SetExitCode): void {
  const runAction = async (flags: RunFlags) => {
    const { runGatewayCommand } = await import("../../gateway/run.js");
    setExit(await runGatewayCommand(toRunOptions(flags)));
  };

  const gateway = program
    .command("gateway")
    .description("run the gateway in the foreground (same as `gateway run`), or manage it")
    .summary("run or manage the gateway");
  addRunOptions(gateway).action(runAction);
  addRunOptions(gateway.command("run").description("run the gateway in the foreground")).action(runAction);

  addConnectionOptions(
    gateway
      .command("status")
      .description("show the local gateway setup and probe it over RPC")
      .option("--port <port>", "port to probe instead of the configured one")
      .option("--no-probe", "skip the RPC probe")
      .option("--deep", "also look for other gateway-like services (best effort)")
      .option("--require-rpc", "exit 1 when the RPC probe fails")
      .option("--system", "look at the system service instead of the user one")
      .option("--unit-dir <dir>", "directory of the unit/plist file (env OPENCLAW_SERVICE_DIR)")
      .option("--json", "print JSON"),
  ).action(async (flags) => {
    const { runGatewayStatus } = await import("./gateway-status.js");
    setExit(await runGatewayStatus(flags));
  });

  addConnectionOptions(
    gateway
      .command("call <method>")
      .description("call one gateway RPC method and print its result")
      .option("--params <json>", "method params as JSON", "{}")
      .option("--expect-final", "wait past an `accepted` ack for the final response (agent runs)")
      .option("--json", "print compact JSON"),
  ).action(async (method: string, flags) => {
    const { runGatewayCall } = await import("./gateway-call.js");
    setExit(await runGatewayCall(method, flags));
  });

  gateway
    .command("stop")
    .description("stop the installed service, or else the gateway that holds this config's lock (SIGTERM, wait up to 10 s)")
    .option("--system", "the system service instead of the user one")
    .option("--unit-dir <dir>", "directory of the unit/plist file (env OPENCLAW_SERVICE_DIR)")
    .option("--json", "print JSON")
    .action(async (flags: { json?: boolean; system?: boolean; unitDir?: string }) => {
      const service = await import("./gateway-service.js");
      if (await service.serviceManaged(flags)) return setExit(await service.runServiceAction("stop", flags));
      const { runGatewayStop } = await import("./gateway-stop.js");
      setExit(await runGatewayStop(flags));
    });

  // install | uninstall | start | restart: the supervised service (src/service).
  registerServiceCommands(gateway, setExit);
}
