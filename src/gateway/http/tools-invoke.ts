// `POST /tools/invoke` (spec 4.9): runs one built-in agent tool for a bearer-authenticated caller,
// as the agent the session key names, under the HTTP deny list and the agent's tools policy.
import { ensureWorkspace } from "../../agents/agent-config.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createTools, runTool, type AgentTool, type ToolPolicy } from "../../agents/tools/index.js";
import { parseSessionKey } from "../../agents/sessions/keys.js";
import { Scopes } from "../../protocol/scopes.js";
import type { SubsystemLogger } from "../../logging/logger.js";
import type { GatewayServices } from "../services.js";
import { HttpBodyError, readJsonBody } from "./body.js";
import { missingHttpScope, requireBearer } from "./http-auth.js";
import { methodNotAllowed, sendJson } from "./respond.js";
import type { HttpRequestContext, HttpStage } from "./router.js";
import { decideHttpTool } from "./tools-invoke-policy.js";

export const TOOLS_INVOKE_PATH = "/tools/invoke";
export const TOOLS_INVOKE_MAX_BODY_BYTES = 2 * 1024 * 1024;
const BODY_TIMEOUT_MS = 30_000;

type ErrorType = "invalid_request" | "not_found" | "tool_error" | "forbidden" | "payload_too_large" | "timeout" | "internal_error";

function sendToolsError(res: ServerResponse, status: number, type: ErrorType, message: string): void {
  sendJson(res, status, { ok: false, error: { type, message } });
}

class InvokeRequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

export interface ToolsInvokeRequest {
  tool: string;
  action?: string;
  args: Record<string, unknown>;
  agentId: string;
  sessionKey: string;
  /** `x-openclaw-account-id` / `-message-to` / `-thread-id`: channel context, unused until channels exist. */
  context: { accountId?: string; messageTo?: string; threadId?: string };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates the body and works out the agent and session it runs as. */
export function parseInvokeRequest(gw: GatewayServices, body: unknown, req: IncomingMessage): ToolsInvokeRequest {
  const bad = (message: string) => new InvokeRequestError(400, "invalid_request", message);
  if (!isPlainObject(body)) throw bad("request body must be a JSON object");
  if (typeof body.tool !== "string" || !body.tool.trim()) throw bad("tool is required (a non-empty string)");
  if (body.args !== undefined && !isPlainObject(body.args)) throw bad("args must be a JSON object");
  if (body.action !== undefined && typeof body.action !== "string") throw bad("action must be a string");
  if (body.sessionKey !== undefined && typeof body.sessionKey !== "string") throw bad("sessionKey must be a string");
  const defaults = gw.sessionDefaults();
  let agentId = defaults.defaultAgentId;
  let sessionKey = defaults.mainSessionKey;
  const rawKey = (body.sessionKey as string | undefined)?.trim();
  if (rawKey && rawKey !== "main") {
    const parsed = parseSessionKey(rawKey, defaults.defaultAgentId);
    if (!parsed) throw bad(`invalid sessionKey "${rawKey}"`);
    agentId = parsed.agentId.toLowerCase();
    sessionKey = rawKey;
  }
  const context: ToolsInvokeRequest["context"] = {};
  const accountId = header(req, "x-openclaw-account-id");
  const messageTo = header(req, "x-openclaw-message-to");
  const threadId = header(req, "x-openclaw-thread-id");
  if (accountId) context.accountId = accountId;
  if (messageTo) context.messageTo = messageTo;
  if (threadId) context.threadId = threadId;
  const out: ToolsInvokeRequest = { tool: body.tool.trim(), args: (body.args as Record<string, unknown>) ?? {}, agentId, sessionKey, context };
  if (typeof body.action === "string") out.action = body.action;
  return out;
}


/** The tool's arguments: `action`, when given, is passed only to tools that declare it. */
function toolArguments(tool: AgentTool, request: ToolsInvokeRequest): Record<string, unknown> {
  const props = (tool.parameters as { properties?: Record<string, unknown> }).properties ?? {};
  if (request.action === undefined || request.args.action !== undefined || !("action" in props)) return request.args;
  return { ...request.args, action: request.action };
}

/** The always-enabled `/tools/invoke` stage. */
export function toolsInvokeStage(gw: GatewayServices): HttpStage {
  const known = createTools({}).map((t) => t.name);
  let logger: SubsystemLogger | undefined;
  const log = () => (logger ??= gw.logger.child("gateway/tools-invoke"));

  async function invoke(req: IncomingMessage, res: ServerResponse, ctx: HttpRequestContext): Promise<void> {
    const scope = missingHttpScope(gw, req, Scopes.write);
    if (scope) return sendToolsError(res, 403, "forbidden", `missing scope: ${scope}`);
    let body: unknown;
    try {
      body = await readJsonBody(req, { maxBytes: TOOLS_INVOKE_MAX_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof HttpBodyError)) throw err;
      const type: ErrorType = err.status === 413 ? "payload_too_large" : err.status === 408 ? "timeout" : "invalid_request";
      return sendToolsError(res, err.status, type, err.status === 400 ? `invalid JSON body: ${err.message}` : err.message);
    }
    const request = parseInvokeRequest(gw, body, req);
    const agent = gw.agents.engine.agent(request.agentId);
    if (!agent) throw new InvokeRequestError(400, "invalid_request", `unknown agent id "${request.agentId}"`);
    const decision = decideHttpTool(request.tool, { known, gateway: gw.config().gateway?.tools ?? {}, agent: agent.tools });
    if (!decision.ok) {
      log().info(`refused tool ${JSON.stringify(request.tool)}: ${decision.reason}`, { requestId: ctx.requestId });
      return sendToolsError(res, 404, "not_found", decision.message);
    }
    const tools = createTools(agent.tools as ToolPolicy).filter((t) => t.name === decision.name);
    const tool = tools[0];
    if (!tool) throw new Error(`tool ${decision.name} passed the policy but was not built`);
    // The caller going away stops the tool (exec kills its process group).
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) controller.abort(new Error("client disconnected"));
    };
    res.on("close", onClose);
    try {
      await ensureWorkspace(agent);
      const result = await runTool(tools, { name: tool.name, arguments: toolArguments(tool, request) }, {
        workspace: agent.workspace,
        signal: controller.signal,
        agentId: agent.id,
        sessionKey: request.sessionKey,
      });
      if (result.isError) return sendToolsError(res, 400, "tool_error", result.content);
      sendJson(res, 200, { ok: true, result: { content: result.content, ...(result.details ? { details: result.details } : {}) } });
    } finally {
      res.off("close", onClose);
    }
  }

  return {
    name: "tools-invoke",
    async handle(req, res, ctx) {
      if (ctx.url.pathname !== TOOLS_INVOKE_PATH) return false;
      if (req.method !== "POST") {
        methodNotAllowed(res, "POST");
        return true;
      }
      if (!requireBearer(gw, req, res, ctx.remoteAddress)) return true;
      try {
        await invoke(req, res, ctx);
      } catch (err) {
        if (err instanceof InvokeRequestError) {
          sendToolsError(res, err.status, err.type, err.message);
          return true;
        }
        // Unexpected: the details go to the log, the caller gets a request id to quote.
        log().error(`tools/invoke failed: ${(err as Error)?.stack ?? String(err)}`, { requestId: ctx.requestId });
        if (!res.headersSent) sendToolsError(res, 500, "internal_error", `tool invocation failed (request ${ctx.requestId})`);
        else res.destroy();
      }
      return true;
    },
  };
}
