// The hooks HTTP stage (spec 4.10; first in the routing order of 4.1): `POST <hooks.path>/wake`,
// `/agent` and mapped `/<name>`, behind the hooks token. When `hooks.enabled` is off it handles
// nothing, so requests fall through to the router's 404.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OpenClawConfig } from "../../../config/schema.js";
import type { SubsystemLogger } from "../../../logging/logger.js";
import type { GatewayServices } from "../../services.js";
import type { SecretsSnapshot } from "../../../secrets/snapshot.js";
import { HttpBodyError, readBody } from "../body.js";
import { methodNotAllowed, notFound, sendJson, sendText } from "../respond.js";
import type { HttpRequestContext, HttpStage } from "../router.js";
import { HookRequestError, parseAgent, parseWake, type HookAction } from "./actions.js";
import { HOOK_QUERY_TOKEN_MESSAGE, HookAuth, hookHeaders } from "./auth.js";
import { HookDispatcher } from "./dispatch.js";
import { findMapping, mappingFields, normalizeSubPath, type HookContext, type HookMapping } from "./mappings.js";
import { routeAgentAction } from "./route.js";
import { resolveHooksSettings, type HooksSettings } from "./settings.js";
import { runTransform, TransformLoader } from "./transform.js";

export { HookConfigMessages, validateHooksConfig } from "./settings.js";

export const HOOK_IDEMPOTENCY_HEADER = "x-openclaw-idempotency-key";
const BODY_TIMEOUT_MS = 30_000;

export type HooksStage = HttpStage;

/** A failure the caller did not cause: logged in full, answered with this fixed text. */
class MappingFailure extends Error {}

/**
 * Builds the stage. Throws (HookConfigError) when `hooks.enabled` is set with an unusable config:
 * `hooks.enabled requires hooks.token`, `hooks.path may not be '/'`, a token equal to the gateway's...
 * A hot reload that breaks the section keeps the previous hooks settings and logs why.
 */
export function hooksStage(gw: GatewayServices): HooksStage {
  let logger: SubsystemLogger | undefined;
  const log = () => (logger ??= gw.logger.child("gateway/hooks"));
  const resolve = (config: OpenClawConfig, secrets: SecretsSnapshot) =>
    resolveHooksSettings(config, { env: gw.env, configPath: gw.configPath, gatewayAuth: gw.auth(), secrets });
  let current = { config: gw.config(), secrets: gw.secrets.current, settings: resolve(gw.config(), gw.secrets.current) };
  // Re-resolved when the config or the secrets snapshot changes (a rotated hooks.token).
  const settingsNow = (): HooksSettings | null => {
    const config = gw.config();
    const secrets = gw.secrets.current;
    if (config === current.config && secrets === current.secrets) return current.settings;
    try {
      current = { config, secrets, settings: resolve(config, secrets) };
    } catch (err) {
      log().error(`hooks config rejected after reload, keeping the previous hooks settings: ${(err as Error).message}`);
      current = { config, secrets, settings: current.settings };
    }
    return current.settings;
  };
  const auth = new HookAuth();
  const dispatcher = new HookDispatcher(gw);
  const transforms = new TransformLoader();

  async function readPayload(req: IncomingMessage, settings: HooksSettings): Promise<unknown> {
    const buf = await readBody(req, { maxBytes: settings.maxBodyBytes, timeoutMs: BODY_TIMEOUT_MS });
    const text = buf.toString("utf8").trim();
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new HttpBodyError(400, `invalid JSON body: ${(err as Error).message}`);
    }
  }

  /** A mapping's action: rendered fields, then the preset or transform override (null drops it). */
  async function mappedAction(mapping: HookMapping, ctx: HookContext, settings: HooksSettings): Promise<HookAction | null> {
    let override: Record<string, unknown> | null = {};
    try {
      if (mapping.builtin) override = mapping.builtin(ctx);
      else if (mapping.transform) {
        const fn = await transforms.load(settings.transformsDir, mapping.transform.module, mapping.transform.exportName);
        override = await runTransform(fn, ctx);
      }
    } catch (err) {
      log().error(`hook mapping ${mapping.id} failed: ${(err as Error)?.stack ?? String(err)}`);
      throw new MappingFailure();
    }
    if (override === null) return null;
    const fields = { ...mappingFields(mapping, ctx), ...override };
    const kind = fields.action ?? fields.kind;
    if (kind === "wake") return parseWake({ text: fields.text ?? fields.message, mode: fields.mode ?? fields.wakeMode });
    if (kind === "agent") return parseAgent(fields);
    throw new HookRequestError(`hook mapping ${mapping.id} produced an invalid action (use "agent" or "wake")`);
  }

  async function handleHook(req: IncomingMessage, res: ServerResponse, subPath: string, settings: HooksSettings): Promise<void> {
    const payload = await readPayload(req, settings);
    const ctx: HookContext = { payload, headers: hookHeaders(req), path: subPath };
    let action: HookAction | null;
    let fromRequest = false;
    if (subPath === "wake") action = parseWake(payload);
    else if (subPath === "agent") {
      action = parseAgent(payload);
      fromRequest = true;
    } else {
      const mapping = findMapping(settings.mappings, subPath, payload);
      if (!mapping) return notFound(res);
      action = await mappedAction(mapping, ctx, settings);
    }
    if (action === null) {
      res.statusCode = 204;
      res.end();
      return;
    }
    if (action.kind === "wake") return sendJson(res, 200, dispatcher.wake(action));
    const headerKey = ctx.headers[HOOK_IDEMPOTENCY_HEADER]?.trim();
    if (!action.idempotencyKey && headerKey) action.idempotencyKey = headerKey;
    const defaults = gw.sessionDefaults();
    const route = routeAgentAction(action, settings, { defaultAgentId: defaults.defaultAgentId, agentExists: (id) => !!gw.agents.engine.agent(id) }, { sessionKeyFromRequest: fromRequest });
    const { runId, replayed } = dispatcher.agent(action, route, subPath);
    log().info(`hook ${subPath} -> ${replayed ? "replayed" : "started"} run ${runId} (${route.sessionKey})`);
    sendJson(res, 200, { ok: true, runId });
  }

  return {
    name: "hooks",
    async handle(req, res, reqCtx: HttpRequestContext) {
      const settings = settingsNow();
      if (!settings) return false;
      const pathname = reqCtx.url.pathname;
      if (pathname !== settings.basePath && !pathname.startsWith(`${settings.basePath}/`)) return false;
      if (reqCtx.url.searchParams.has("token")) {
        sendText(res, 400, HOOK_QUERY_TOKEN_MESSAGE);
        return true;
      }
      if (req.method !== "POST") {
        methodNotAllowed(res, "POST");
        return true;
      }
      const verdict = auth.check(req, reqCtx.remoteAddress, settings.token);
      if (!verdict.ok) {
        if (verdict.status === 429) sendText(res, 429, "Too Many Requests", { "Retry-After": String(verdict.retryAfterSeconds) });
        else sendText(res, 401, "Unauthorized");
        return true;
      }
      const subPath = normalizeSubPath(pathname.slice(settings.basePath.length));
      if (!subPath) {
        notFound(res);
        return true;
      }
      try {
        await handleHook(req, res, subPath, settings);
      } catch (err) {
        if (err instanceof HttpBodyError || err instanceof HookRequestError) sendJson(res, err.status, { ok: false, error: err.message });
        else if (err instanceof MappingFailure) sendJson(res, 500, { ok: false, error: "hook mapping failed" });
        else {
          log().error(`hook ${subPath} failed: ${(err as Error)?.stack ?? String(err)}`, { requestId: reqCtx.requestId });
          if (!res.headersSent) sendJson(res, 500, { ok: false, error: `hook failed (request ${reqCtx.requestId})` });
        }
      }
      return true;
    },
  };
}
