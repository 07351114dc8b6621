// Starts a real gateway in this process on a free loopback port with its own temp state.
import { createGateway, type Gateway, type GatewayOptions } from "../../src/gateway/gateway.js";
import { createLogger } from "../../src/logging/logger.js";
import { localConfig, makeTempState, type TempState } from "./temp-state.js";

export interface RunningGateway {
  gateway: Gateway;
  state: TempState;
  url: string;
  httpUrl: string;
  stop(): Promise<void>;
}

export async function startGateway(
  config: unknown = localConfig(),
  opts: Partial<GatewayOptions> = {},
): Promise<RunningGateway> {
  const state = await makeTempState(config);
  const logger = createLogger({ dir: state.logDir, console: false, level: "debug" });
  const gateway = createGateway({
    configPath: state.configPath,
    stateDir: state.stateDir,
    env: state.env,
    cli: { port: 0 },
    lock: false,
    logger,
    ...opts,
  });
  await gateway.start();
  const port = gateway.port;
  return {
    gateway,
    state,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await gateway.stop();
      await logger.close();
      await state.cleanup();
    },
  };
}
