// The gateway's HTTP stages in the reference's order (spec 4.1). Each endpoint family is loaded
// on its first request (a path check decides), so startup never pays for code a gateway may
// never serve. The probes come last and are added by the gateway itself; the first stage that
// handles a request wins.
import type { GatewayServices } from "../services.js";
import { sendJson } from "./respond.js";
import { isV1Path, type HttpStage } from "./router.js";
import { isReservedPath, normalizeControlUiBasePath, pathUnderBase } from "./control-ui-paths.js";

type StageFactory = (gw: GatewayServices) => HttpStage;

/** A stage whose module is imported the first time a request could be for it. */
function lazyStage(gw: GatewayServices, name: string, mayHandle: (path: string) => boolean, load: () => Promise<StageFactory>): HttpStage {
  let stage: Promise<HttpStage> | undefined;
  return {
    name,
    async handle(req, res, ctx) {
      if (!mayHandle(ctx.url.pathname)) return false;
      stage ??= load().then((make) => make(gw));
      return (await stage).handle(req, res, ctx);
    },
  };
}

function hooksBase(gw: GatewayServices): string | null {
  const hooks = gw.config().hooks;
  if (hooks?.enabled !== true) return null;
  const p = (hooks.path ?? "/hooks").replace(/\/+$/, "");
  return p || null;
}

/** Any other /v1 path: a 404 in the OpenAI shape (as api.openai.com answers), not the plain-text one. */
const v1NotFoundStage: HttpStage = {
  name: "v1-not-found",
  handle(req, res, ctx) {
    if (!isV1Path(ctx.url.pathname)) return false;
    const message = `Unknown request URL: ${req.method} ${ctx.url.pathname}. This gateway serves /v1/models, /v1/embeddings, /v1/chat/completions and /v1/responses.`;
    sendJson(res, 404, { error: { message, type: "invalid_request_error", param: null, code: "unknown_url" } });
    return true;
  },
};

export function builtinHttpStages(gw: GatewayServices): HttpStage[] {
  const v1 = isV1Path;
  // hooks.enabled and hooks.path are read per request: a hot reload of `hooks` applies at once.
  const underHooks = (p: string) => {
    const hooks = hooksBase(gw);
    return hooks !== null && (p === hooks || p.startsWith(`${hooks}/`));
  };
  const stages: HttpStage[] = [];
  stages.push(
    lazyStage(gw, "hooks", underHooks, async () => (await import("./hooks/index.js")).hooksStage),
    lazyStage(gw, "models", v1, async () => (await import("./openai/models.js")).modelsStage),
    lazyStage(gw, "embeddings", v1, async () => (await import("./openai/embeddings.js")).embeddingsStage),
    lazyStage(gw, "tools-invoke", (p) => p === "/tools/invoke", async () => (await import("./tools-invoke.js")).toolsInvokeStage),
    lazyStage(gw, "responses", v1, async () => (await import("./openai/responses.js")).responsesStage),
    lazyStage(gw, "chat-completions", v1, async () => (await import("./openai/chat-completions.js")).chatCompletionsStage),
    v1NotFoundStage,
  );
  // The Control UI comes last (before the probes) and never answers another family's paths.
  const cui = () => gw.config().gateway?.controlUi;
  const mayServeUi = (p: string) =>
    cui()?.enabled !== false && !isReservedPath(p, hooksBase(gw)) && pathUnderBase(p, normalizeControlUiBasePath(cui()?.basePath)) !== null;
  stages.push(lazyStage(gw, "control-ui", mayServeUi, async () => (await import("./control-ui.js")).controlUiStage));
  return stages;
}
