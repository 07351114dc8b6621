// Which OpenAI-compatible endpoints config turns on, and the 404 a disabled one answers.
// Deliberate difference from the reference, which answers a bare `404 Not Found` here: first-time
// integrations could not tell "disabled" from "wrong URL" (users-and-clients 1.8, 3.5 item 8),
// so ours names the flag to set, in the OpenAI error shape every client already parses.
import type { ServerResponse } from "node:http";
import type { OpenClawConfig } from "../../../config/schema.js";
import { sendOpenAiError } from "./errors.js";

/** A `gateway.http.endpoints.<flag>` switch. */
export type EndpointFlag = "chatCompletions" | "responses";

export function endpointEnabled(config: OpenClawConfig, flag: EndpointFlag): boolean {
  return config.gateway?.http?.endpoints?.[flag]?.enabled === true;
}

/** True when any of `flags` is on (/v1/models and /v1/embeddings follow either endpoint). */
export function anyEndpointEnabled(config: OpenClawConfig, flags: readonly EndpointFlag[]): boolean {
  return flags.some((flag) => endpointEnabled(config, flag));
}

/** The message a disabled endpoint answers with, naming every flag that would enable it. */
export function disabledMessage(path: string, flags: readonly EndpointFlag[]): string {
  const settings = flags.map((flag) => `gateway.http.endpoints.${flag}.enabled=true`).join(" or ");
  return `The ${path} endpoint is disabled. Set ${settings} to enable it.`;
}

/**
 * Returns true when one of `flags` is enabled; otherwise answers 404 `endpoint_disabled`
 * (before auth: the answer reveals nothing but how this gateway is configured) and returns false.
 */
export function requireEndpoint(config: OpenClawConfig, res: ServerResponse, path: string, flags: readonly EndpointFlag[]): boolean {
  if (anyEndpointEnabled(config, flags)) return true;
  sendOpenAiError(res, 404, disabledMessage(path, flags), { type: "invalid_request_error", code: "endpoint_disabled" });
  return false;
}
