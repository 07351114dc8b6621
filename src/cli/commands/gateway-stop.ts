// `openclaw gateway stop` without an installed service (gateway-service.ts handles that case):
// signals the process holding this config's gateway lock, which is how a hand-started gateway is found.
import { resolveConfigPath, resolveGatewayLockPath } from "../../config/paths.js";
import { isPidAlive, liveLockHolder, readGatewayLock } from "../../gateway/lock.js";
import { CliError } from "../cli-error.js";
import { printJson, printLines } from "../format.js";

const STOP_WAIT_MS = 10_000;
const POLL_MS = 100;


export async function runGatewayStop(flags: { json?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const configPath = resolveConfigPath(env);
  const holder = liveLockHolder(await readGatewayLock(resolveGatewayLockPath(configPath)));
  const report = (stopped: boolean, line: string, pid?: number) => {
    if (flags.json) printJson({ stopped, configPath, ...(pid !== undefined ? { pid } : {}) });
    else printLines([line]);
    return 0;
  };
  if (!holder) return report(false, `No running gateway found for ${configPath}.`);
  const { pid } = holder;
  try {
    process.kill(pid, "SIGTERM");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return report(false, `No running gateway found for ${configPath}.`);
    throw new CliError(`could not stop gateway (pid ${pid}): ${code === "EPERM" ? "permission denied" : (err as Error).message}`);
  }
  const deadline = Date.now() + STOP_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (!isPidAlive(pid)) return report(true, `Stopped gateway (pid ${pid}).`, pid);
  }
  throw new CliError(
    `gateway (pid ${pid}) is still running ${STOP_WAIT_MS / 1000}s after SIGTERM; it may still be draining runs. Force it with: kill -9 ${pid}`,
  );
}
