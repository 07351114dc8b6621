// OpenAI-shaped errors for /v1: `{"error":{"message","type","param","code"}}`, the status chosen
// in one place, so every client's typed error hierarchy (openai-node) sees what it expects.
import type { ServerResponse } from "node:http";
import { sendJson } from "../respond.js";

/** A request the client must fix: rendered as an OpenAI `invalid_request_error`. */
export class OpenAiRequestError extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
    this.name = "OpenAiRequestError";
  }
}

export interface OpenAiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function openAiErrorBody(message: string, type: string, code: string | null = null, param: string | null = null): { error: OpenAiErrorBody } {
  return { error: { message, type, param, code } };
}

export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  message: string,
  opts: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
): void {
  const type = opts.type ?? defaultType(status);
  sendJson(res, status, openAiErrorBody(message, type, opts.code ?? null, opts.param ?? null), opts.headers ?? {});
}

function defaultType(status: number): string {
  if (status === 401) return "invalid_request_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "invalid_request_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}
