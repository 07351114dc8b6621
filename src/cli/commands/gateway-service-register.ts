// Flags of `gateway install|uninstall|start|restart`; the actions load gateway-service.ts lazily.
import type { Command } from "commander";
import type { InstallFlags, ServiceFlags } from "./gateway-service.js";
import type { SetExitCode } from "../program.js";

function addScopeOptions(cmd: Command): Command {
  return cmd
    .option("--system", "a system service (systemd system unit with User=, or a LaunchDaemon) instead of a user one")
    .option("--unit-dir <dir>", "directory of the unit/plist file (default: the manager's; env OPENCLAW_SERVICE_DIR)")
    .option("--json", "print JSON");
}

async function run(action: "install" | "uninstall" | "start" | "restart", flags: InstallFlags): Promise<number> {
  const { runServiceAction } = await import("./gateway-service.js");
  return runServiceAction(action, flags);
}

export function registerServiceCommands(gateway: Command, setExit: SetExitCode): void {
  addScopeOptions(
    gateway
      .command("install")
      .description("install and start the gateway as a service (systemd user unit or launchd agent)")
      .option("--port <port>", "pin the port in the service command (default: the config's)")
      .option("--token <token>", "put OPENCLAW_GATEWAY_TOKEN in the service environment (file mode 0600)")
      .option("--run-as <user>", "with --system: the user the service runs as (default: $SUDO_USER or you)")
      .option("--force", "replace an existing service file with different settings"),
  ).action(async (flags: InstallFlags) => setExit(await run("install", flags)));
  addScopeOptions(gateway.command("uninstall").description("stop the service and remove its unit/plist file")).action(
    async (flags: ServiceFlags) => setExit(await run("uninstall", flags)),
  );
  addScopeOptions(gateway.command("start").description("start the installed service and wait until the gateway listens")).action(
    async (flags: ServiceFlags) => setExit(await run("start", flags)),
  );
  addScopeOptions(
    gateway.command("restart").description("restart the service (clears a crash-loop stop) and wait until the gateway listens"),
  ).action(async (flags: ServiceFlags) => setExit(await run("restart", flags)));
}
