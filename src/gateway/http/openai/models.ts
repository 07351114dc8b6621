// GET /v1/models and /v1/models/{id} (spec 4.5): the agents as OpenAI model objects. Clients use
// the list as their connection test and poll it, so the answers are serialised once per config
// (and gateway start) and a request costs the auth check and one write.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OpenClawConfig } from "../../../config/schema.js";
import type { GatewayServices } from "../../services.js";
import { requireBearer, requireHttpScope } from "../http-auth.js";
import { Scopes } from "../../../protocol/scopes.js";
import type { HttpStage } from "../router.js";
import { handleCors } from "./cors.js";
import { requireEndpoint, type EndpointFlag } from "./enablement.js";
import { sendOpenAiError } from "./errors.js";
import { agentIdFromModel, modelIds } from "./routing.js";

const PREFIX = "/v1/models";
const FLAGS: readonly EndpointFlag[] = ["chatCompletions", "responses"];
const MAX_ID_LENGTH = 256;

/** One model object, as openai-node's `Model` type has it (plus the reference's `permission`). */
export interface OpenAiModel {
  id: string;
  object: "model";
  /** Unix seconds of the gateway's start. */
  created: number;
  owned_by: "openclaw";
  permission: [];
}

interface Rendered {
  config: OpenClawConfig;
  startedAt: number;
  list: Buffer;
  byId: Map<string, Buffer>;
}

function render(gw: GatewayServices): Rendered {
  const created = Math.floor(gw.startedAt / 1000);
  const models: OpenAiModel[] = modelIds(gw).map((id) => ({ id, object: "model", created, owned_by: "openclaw", permission: [] }));
  return {
    config: gw.config(),
    startedAt: gw.startedAt,
    list: Buffer.from(JSON.stringify({ object: "list", data: models })),
    byId: new Map(models.map((m) => [m.id, Buffer.from(JSON.stringify(m))])),
  };
}

function sendBuffer(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": body.length });
  res.end(body);
}

/** The id after `/v1/models/`, URL-decoded (so `openclaw%2Fdefault` and `openclaw/default` both work). */
function decodeId(rest: string): string | null {
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}

export function modelsStage(gw: GatewayServices): HttpStage {
  let cache: Rendered | undefined;
  const current = (): Rendered => {
    // A reload swaps the config object; a restart moves startedAt. Either re-renders.
    if (!cache || cache.config !== gw.config() || cache.startedAt !== gw.startedAt) cache = render(gw);
    return cache;
  };

  return {
    name: "openai-models",
    handle(req: IncomingMessage, res: ServerResponse, ctx) {
      const path = ctx.url.pathname;
      if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return false;
      const config = gw.config();
      if (handleCors(config, req, res)) return true;
      if (!requireEndpoint(config, res, PREFIX, FLAGS)) return true;
      if (req.method !== "GET") {
        sendOpenAiError(res, 405, `Method ${req.method} is not allowed on ${PREFIX}; use GET.`, { code: "method_not_allowed", headers: { Allow: "GET" } });
        return true;
      }
      if (!requireBearer(gw, req, res, ctx.remoteAddress, "openai") || !requireHttpScope(gw, req, res, Scopes.read, "openai")) return true;
      const rendered = current();
      if (path === PREFIX) {
        sendBuffer(res, rendered.list);
        return true;
      }
      const id = decodeId(path.slice(PREFIX.length + 1));
      if (id === "") {
        sendOpenAiError(res, 400, "Missing model id.", { code: "invalid_model", param: "model" });
        return true;
      }
      const hit = id === null ? undefined : rendered.byId.get(id);
      if (hit) sendBuffer(res, hit);
      // Well-formed means it names an agent the way `model` may (the default id is irrelevant here).
      else if (id === null || id.length > MAX_ID_LENGTH || agentIdFromModel(id, "default") === null) {
        sendOpenAiError(res, 400, "Invalid model id.", { code: "invalid_model", param: "model" });
      } else {
        sendOpenAiError(res, 404, `Model '${id}' not found.`, { code: "model_not_found", param: "model" });
      }
      return true;
    },
  };
}
