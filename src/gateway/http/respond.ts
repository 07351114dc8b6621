// Response helpers: every reply carries the security headers; errors are short and explicit.
import type { ServerResponse } from "node:http";

export const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};

export function applySecurityHeaders(res: ServerResponse, hsts?: string | false): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  if (hsts) res.setHeader("Strict-Transport-Security", hsts);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(res.req?.method === "HEAD" ? undefined : text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(res.req?.method === "HEAD" ? undefined : text);
}

export function notFound(res: ServerResponse): void {
  sendText(res, 404, "Not Found");
}

export function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendText(res, 405, "Method Not Allowed", { Allow: allow });
}

/** OpenAI-style error body, used by /v1 and friends. */
export function sendOpenAiError(res: ServerResponse, status: number, message: string, type: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message, type } }, headers);
}
