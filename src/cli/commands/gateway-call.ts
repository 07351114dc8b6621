// `openclaw gateway call <method>`: one RPC, the payload printed as JSON. An RPC error prints
// `<code>: <message>` (plus its details as JSON) so scripts can match on the code.
import { printJson } from "../format.js";
import { parseParamsJson } from "../options.js";
import { GatewayCallError, callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

export interface GatewayCallFlags extends RpcFlags {
  params?: string;
  expectFinal?: boolean;
  json?: boolean;
}

export async function runGatewayCall(method: string, flags: GatewayCallFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const params = parseParamsJson(flags.params);
  const { target } = await prepareGatewayTarget(flags, env);
  try {
    const { payload } = await callGateway(target, method, params, { expectFinal: flags.expectFinal ?? false });
    printJson(payload, flags.json ?? false);
    return 0;
  } catch (err) {
    if (err instanceof GatewayCallError && err.kind === "rpc" && err.shape) {
      const lines = [`${err.shape.code}: ${err.shape.message}`];
      if (err.shape.details !== undefined) lines.push(JSON.stringify(err.shape.details));
      process.stderr.write(`${lines.join("\n")}\n`);
      return 1;
    }
    throw err;
  }
}
