// A gateway wired to a fake model provider on loopback, for agent tests.
import fs from "node:fs/promises";
import path from "node:path";
import { startGateway, type RunningGateway } from "./in-process.js";
import { startFakeProvider, type FakeProvider } from "./fake-provider.js";
import { localConfig, TEST_TOKEN } from "./temp-state.js";
import { connectParams, connectProbe, type Probe } from "./ws-probe.js";
import type { GatewayOptions } from "../../src/gateway/gateway.js";

export interface AgentHarness {
  gw: RunningGateway;
  fake: FakeProvider;
  workspace: string;
  connect(over?: Record<string, any>): Promise<Probe>;
  stop(): Promise<void>;
}

export function agentConfig(fakeUrl: string, workspace: string, api = "openai-completions", extra: Record<string, any> = {}) {
  return localConfig({
    models: {
      providers: {
        fake: { baseUrl: api === "anthropic-messages" ? fakeUrl : `${fakeUrl}/v1`, apiKey: "fake-key", api, models: [{ id: "fake-model", name: "Fake Model", contextWindow: 128000, maxTokens: 1024 }] },
      },
    },
    agents: { defaults: { model: "fake/fake-model", workspace, ...(extra.defaults ?? {}) }, ...(extra.list ? { list: extra.list } : {}) },
    ...(extra.root ?? {}),
  });
}

export async function startAgentHarness(opts: { api?: string; extra?: Record<string, any>; gateway?: Partial<GatewayOptions>; fake?: FakeProvider; stateConfig?: (fakeUrl: string, ws: string) => unknown } = {}): Promise<AgentHarness> {
  const fake = opts.fake ?? (await startFakeProvider());
  const base = await fs.mkdtemp(path.join((await import("node:os")).tmpdir(), "oc-ws-"));
  const workspace = path.join(base, "workspace");
  await fs.mkdir(workspace, { recursive: true });
  const config = opts.stateConfig ? opts.stateConfig(fake.url, workspace) : agentConfig(fake.url, workspace, opts.api, opts.extra);
  const gw = await startGateway(config, opts.gateway);
  return {
    gw,
    fake,
    workspace,
    async connect(over = {}) {
      return (await connectProbe(gw.url, connectParams({ auth: { token: TEST_TOKEN }, ...over }))).probe;
    },
    async stop() {
      await gw.stop();
      if (!opts.fake) await fake.close();
      await fs.rm(base, { recursive: true, force: true });
    },
  };
}
