// The `agents`, `models` and `bindings` sections: who answers, with which model, reached how.
import { Type } from "@sinclair/typebox";
import { int, openObject, stringEnum, strictObject, stringList } from "./schema-helpers.js";
import { secretInputField } from "./schema-secrets.js";

const Str = () => Type.Optional(Type.String());
const Bool = () => Type.Optional(Type.Boolean());

// "provider/model", or a primary with ordered fallbacks.
const ModelChoiceSchema = Type.Union([
  Type.String({ minLength: 1 }),
  strictObject({ primary: Str(), fallbacks: Type.Optional(stringList()) }),
]);

/** `agents.defaults.heartbeat` and `agents.list[].heartbeat` (the entry's keys win). */
const HeartbeatSchema = strictObject({
  every: Type.Optional(
    Type.Union([Type.String({ pattern: "^\\s*\\d+(\\.\\d+)?(ms|s|m|h|d)?(\\d+(\\.\\d+)?(ms|s|m|h|d))*\\s*$" }), Type.Number({ minimum: 0 })], {
      description: 'interval: a duration ("30m", "1h") or minutes; "0m" turns heartbeats off (default 30m)',
    }),
  ),
  prompt: Str(),
  target: Type.Optional(Type.String({ description: '"none" (default) keeps alerts in the main session; else a channel id, with `to`' })),
  to: Str(),
  accountId: Str(),
  ackMaxChars: Type.Optional(int(0, "a HEARTBEAT_OK reply with at most this much other text is not delivered (default 300)")),
  model: Str(),
});

const AgentDefaultsSchema = strictObject({
  workspace: Str(),
  model: Type.Optional(ModelChoiceSchema),
  models: Type.Optional(
    Type.Record(Type.String(), strictObject({ alias: Str(), params: Type.Optional(openObject()) })),
  ),
  imageModel: Type.Optional(ModelChoiceSchema),
  pdfModel: Type.Optional(ModelChoiceSchema),
  params: Type.Optional(openObject()),
  thinkingDefault: Str(),
  verboseDefault: Type.Optional(stringEnum(["off", "on", "full"])),
  elevatedDefault: Str(),
  timeoutSeconds: Type.Optional(int(1)),
  mediaMaxMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  contextTokens: Type.Optional(int(1)),
  maxConcurrent: Type.Optional(int(1)),
  heartbeat: Type.Optional(HeartbeatSchema),
  sandbox: Type.Optional(openObject()),
  skipBootstrap: Bool(),
  userTimezone: Str(),
  subagents: Type.Optional(openObject()),
  compaction: Type.Optional(openObject()),
  /** Embeddings for /v1/embeddings and memory search: `model` is `provider/model`. */
  memorySearch: Type.Optional(openObject()),
});

const AgentEntrySchema = strictObject({
  id: Type.String({ minLength: 1 }),
  default: Bool(),
  name: Str(),
  workspace: Str(),
  agentDir: Str(),
  model: Type.Optional(ModelChoiceSchema),
  params: Type.Optional(openObject()),
  skills: Type.Optional(stringList()),
  identity: Type.Optional(strictObject({ name: Str(), theme: Str(), emoji: Str(), avatar: Str() })),
  tools: Type.Optional(openObject()),
  subagents: Type.Optional(openObject()),
  sandbox: Type.Optional(openObject()),
  runtime: Type.Optional(openObject()),
  heartbeat: Type.Optional(HeartbeatSchema),
  /** This agent's embeddings (/v1/embeddings): over `agents.defaults.memorySearch`, field by field. */
  memorySearch: Type.Optional(openObject()),
});

/** The `agents` section. */
export const AgentsSchema = strictObject({
  defaults: Type.Optional(AgentDefaultsSchema),
  list: Type.Optional(Type.Array(AgentEntrySchema)),
  entries: Type.Optional(Type.Record(Type.String(), openObject(), { description: "v4 keyed agent entries" })),
});

const ModelDefinitionSchema = strictObject({
  id: Type.String({ minLength: 1 }),
  name: Str(),
  reasoning: Bool(),
  input: Type.Optional(stringList("Accepted inputs, e.g. text, image")),
  cost: Type.Optional(
    strictObject({
      input: Type.Optional(Type.Number({ minimum: 0 })),
      output: Type.Optional(Type.Number({ minimum: 0 })),
      cacheRead: Type.Optional(Type.Number({ minimum: 0 })),
      cacheWrite: Type.Optional(Type.Number({ minimum: 0 })),
    }),
  ),
  contextWindow: Type.Optional(int(1)),
  contextTokens: Type.Optional(int(1)),
  maxTokens: Type.Optional(int(1)),
  api: Str(),
});

const ModelProviderSchema = strictObject({
  baseUrl: Type.String({ minLength: 1 }),
  apiKey: Type.Optional(secretInputField()),
  api: Type.Optional(Type.String({ description: "e.g. openai-completions, anthropic-messages" })),
  auth: Str(),
  authHeader: Bool(),
  headers: Type.Optional(Type.Record(Type.String(), secretInputField())),
  request: Type.Optional(openObject()),
  models: Type.Array(ModelDefinitionSchema),
});

/** The `models` section: custom providers and their model catalogues. */
export const ModelsSchema = strictObject({
  mode: Type.Optional(stringEnum(["merge", "replace"])),
  catalogRefresh: Type.Optional(strictObject({ enabled: Bool() })),
  providers: Type.Optional(Type.Record(Type.String(), ModelProviderSchema)),
});

/** The `bindings` section: which agent handles which inbound route. */
export const BindingsSchema = Type.Array(
  strictObject({
    agentId: Type.String({ minLength: 1 }),
    match: strictObject({
      channel: Type.String({ minLength: 1 }),
      /** An account id, or `*` for any account of the channel. */
      accountId: Type.Optional(Type.String({ minLength: 1 })),
      peer: Type.Optional(
        strictObject({ kind: stringEnum(["direct", "dm", "group", "channel"]), id: Type.Union([Type.String({ minLength: 1 }), Type.Number()]) }),
      ),
      guildId: Type.Optional(Type.String()),
      teamId: Type.Optional(Type.String()),
    }),
  }),
);
