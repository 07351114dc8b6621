// `openclaw models list`: the models the gateway can use (RPC models.list).
import type { Command } from "commander";
import { addConnectionOptions } from "../connection-options.js";
import { printJson, printLines } from "../format.js";
import type { SetExitCode } from "../program.js";
import { callGateway, prepareGatewayTarget, type RpcFlags } from "../rpc.js";

interface ModelRow {
  id: string;
  name?: string;
  provider: string;
  contextWindow?: number;
}

export async function runModelsList(flags: RpcFlags & { json?: boolean }, env = process.env): Promise<number> {
  const { target } = await prepareGatewayTarget(flags, env);
  const { payload } = await callGateway<{ models: ModelRow[] }>(target, "models.list", {});
  if (flags.json) printJson(payload);
  else if (payload.models.length === 0) printLines(["No models configured. Set agents.defaults.model and models.providers (or OPENAI_API_KEY / ANTHROPIC_API_KEY)."]);
  else printLines(payload.models.map((m) => `${m.provider}/${m.id}${m.name && m.name !== m.id ? `  ${m.name}` : ""}${m.contextWindow ? `  (${m.contextWindow} tokens)` : ""}`));
  return 0;
}

export function register(program: Command, setExit: SetExitCode): void {
  const models = program.command("models").description("list the models the gateway can use");
  addConnectionOptions(models.command("list").description("list configured models").option("--json", "print JSON")).action(async (flags) =>
    setExit(await runModelsList(flags)),
  );
}
