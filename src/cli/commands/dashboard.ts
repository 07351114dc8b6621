// `openclaw dashboard`: prints the Control UI's URL with the gateway token in the fragment (the
// UI stores it and removes it from the address bar; fragments never reach the server or logs)
// and opens it in a browser when this machine has a display and --no-open was not given.
import type { Command } from "commander";
import { spawn } from "node:child_process";
import { normalizeControlUiBasePath } from "../../gateway/http/control-ui-paths.js";
import { getAtPath } from "../../config/dotpath.js";
import { CliError } from "../cli-error.js";
import { printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget } from "../rpc.js";

export interface DashboardFlags {
  open?: boolean;
  port?: string;
  json?: boolean;
}

export interface DashboardLink {
  /** The URL without secrets. */
  url: string;
  /** The URL to open: with `#token=` when a token is known. */
  openUrl: string;
  tokenIncluded: boolean;
  /** The token is a one-time link token minted by the running gateway. */
  oneTime?: boolean;
  note?: string;
}

export function dashboardLink(config: unknown, host: string, port: number, creds: { token?: string; password?: string; source: string }): DashboardLink {
  const base = normalizeControlUiBasePath(getAtPath(config, "gateway.controlUi.basePath") as string | undefined);
  const h = host.includes(":") ? `[${host}]` : host;
  const url = `http://${h}:${port}${base}/`;
  // A remote gateway's token is never handed to the local one's page.
  if (creds.token && creds.source !== "config-remote") {
    return { url, openUrl: `${url}#token=${encodeURIComponent(creds.token)}`, tokenIncluded: true };
  }
  const note = creds.password
    ? "password auth: paste the password into the Control UI's Settings field"
    : "no gateway token found (gateway.auth.token or OPENCLAW_GATEWAY_TOKEN); paste it into Settings if the gateway asks";
  return { url, openUrl: url, tokenIncluded: false, note };
}

/** The opener for this platform, or undefined when there is no display to open a browser on. */
export function browserOpener(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === "darwin") return "open";
  if (platform === "linux" || platform === "freebsd" || platform === "openbsd") return env.DISPLAY || env.WAYLAND_DISPLAY ? "xdg-open" : undefined;
  return undefined;
}

function openInBrowser(command: string, url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, [url], { env, stdio: "ignore", detached: true });
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}

export async function runDashboard(flags: DashboardFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const prepared = await prepareGatewayTarget(flags, env, { readConfig: true });
  const config = prepared.tree?.resolved ?? {};
  if (getAtPath(config, "gateway.controlUi.enabled") === false) {
    throw new CliError("Control UI is disabled (gateway.controlUi.enabled=false)");
  }
  const local = prepared.local!;
  let link = dashboardLink(config, local.probeHost, local.port, prepared.target);
  // Prefer a one-time link from the running gateway over putting the shared token in the URL.
  if (prepared.target.source !== "config-remote" && (prepared.target.token || prepared.target.password)) {
    try {
      const minted = await callGateway<{ token: string; expiresAtMs: number }>({ ...prepared.target, timeoutMs: Math.min(prepared.target.timeoutMs, 3000) }, "controlUi.bootstrap", {});
      link = {
        url: link.url,
        openUrl: `${link.url}#token=${encodeURIComponent(minted.payload.token)}`,
        tokenIncluded: true,
        oneTime: true,
        note: `one-time link, valid until ${new Date(minted.payload.expiresAtMs).toLocaleTimeString()}; the browser then keeps its own device token`,
      };
    } catch (err) {
      if (link.tokenIncluded) link.note = `the gateway did not answer (${(err as Error).message.split("\n")[0]}), so the link carries your gateway token`;
    }
  }
  const opener = flags.open === false ? undefined : browserOpener(env);
  const opened = opener ? await openInBrowser(opener, link.openUrl, env) : false;
  if (flags.json) {
    printJson({ url: link.url, openUrl: link.openUrl, tokenIncluded: link.tokenIncluded, oneTime: link.oneTime === true, opened });
    return 0;
  }
  const lines = [`Dashboard URL: ${link.openUrl}`];
  if (link.note) lines.push(`Note: ${link.note}`);
  if (opened) lines.push("Opened in your browser.");
  else if (flags.open !== false) lines.push(opener ? `Could not run ${opener}; open the URL yourself.` : "No display found; open the URL in a browser on this machine (or through an SSH tunnel).");
  printLines(lines);
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  program
    .command("dashboard")
    .description("print (and open) the Control UI URL with the gateway token")
    .option("--no-open", "print the URL only")
    .option("--port <port>", "gateway port (default: config, env, 18789)")
    .option("--json", "print JSON")
    .action(async (flags: DashboardFlags) => setExit(await runDashboard(flags)));
}
