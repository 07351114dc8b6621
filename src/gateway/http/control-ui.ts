// The Control UI stage (spec 4.12): the built SPA (dist/control-ui, or gateway.controlUi.root) at
// gateway.controlUi.basePath, its bootstrap JSON, immutable caching for hashed assets, an HTML
// fallback for navigations only, and a strict Content-Security-Policy (nothing external).
import fs from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayServices } from "../services.js";
import type { HttpStage } from "./router.js";
import { sendJson, sendText } from "./respond.js";
import { normalizeControlUiBasePath, pathUnderBase } from "./control-ui-paths.js";

export const BOOTSTRAP_PATH = "/__openclaw/control-ui-config.json";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** The bundled UI: `dist/control-ui` next to the running bundle or the package root above the source. */
export function findBundledUiRoot(from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    for (const candidate of [path.join(dir, "control-ui"), path.join(dir, "dist", "control-ui")]) {
      if (existsSync(path.join(candidate, "index.html"))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** Host header as it may appear in a CSP source, or undefined when it is anything unusual. */
function cspHost(host: string | undefined): string | undefined {
  return host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : undefined;
}

export function contentSecurityPolicy(host: string | undefined): string {
  const h = cspHost(host);
  const ws = h ? ` ws://${h} wss://${h}` : "";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${ws}`,
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function isHtmlNavigation(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? "");
  const mode = req.headers["sec-fetch-mode"];
  return accept.includes("text/html") && (mode === undefined || mode === "navigate");
}

export function controlUiStage(gw: GatewayServices): HttpStage {
  let indexCache: { file: string; mtimeMs: number; text: string } | undefined;

  const uiRoot = (): string | undefined => {
    const configured = gw.config().gateway?.controlUi?.root;
    if (configured?.trim()) return path.resolve(path.dirname(gw.configPath), configured.trim());
    return findBundledUiRoot();
  };

  const bootstrap = (base: string) => {
    const cfg = gw.config();
    const cui = cfg.gateway?.controlUi ?? {};
    const defaultAgentId = gw.sessionDefaults().defaultAgentId;
    const agent = (cfg.agents?.list ?? []).find((a: { id?: string }) => a.id === defaultAgentId) as { name?: string; identity?: { name?: string; avatar?: string } } | undefined;
    return {
      basePath: base,
      assistantName: agent?.identity?.name ?? agent?.name ?? "OpenClaw",
      assistantAvatar: agent?.identity?.avatar ?? null,
      assistantAgentId: defaultAgentId,
      serverVersion: gw.version,
      localMediaPreviewRoots: [] as string[],
      embedSandbox: cui.embedSandbox ?? "strict",
      allowExternalEmbedUrls: cui.allowExternalEmbedUrls === true,
    };
  };

  async function sendIndex(req: IncomingMessage, res: ServerResponse, root: string, base: string): Promise<void> {
    const file = path.join(root, "index.html");
    const stat = await fs.stat(file);
    if (!indexCache || indexCache.file !== file || indexCache.mtimeMs !== stat.mtimeMs) {
      indexCache = { file, mtimeMs: stat.mtimeMs, text: await fs.readFile(file, "utf8") };
    }
    // Relative asset URLs resolve against <base>, so deep links (/base/chat) load the same assets.
    const body = indexCache.text.replace(/<head>/i, `<head>\n    <base href="${escapeAttr(`${base}/`)}" />`);
    res.statusCode = 200;
    res.setHeader("Content-Type", TYPES[".html"]!);
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(req.headers.host));
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.end(req.method === "HEAD" ? undefined : body);
  }

  async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, immutable: boolean): Promise<boolean> {
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return false;
      throw err;
    }
    res.statusCode = 200;
    res.setHeader("Content-Type", TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream");
    res.setHeader("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(req.headers.host));
    res.setHeader("Content-Length", data.length);
    res.end(req.method === "HEAD" ? undefined : data);
    return true;
  }

  return {
    name: "control-ui",
    async handle(req, res, ctx) {
      const cui = gw.config().gateway?.controlUi;
      if (cui?.enabled === false || (req.method !== "GET" && req.method !== "HEAD")) return false;
      const base = normalizeControlUiBasePath(cui?.basePath);
      const rel = pathUnderBase(ctx.url.pathname, base);
      if (rel === null) return false;
      if (rel === BOOTSTRAP_PATH) {
        sendJson(res, 200, bootstrap(base), { "Cache-Control": "no-store" });
        return true;
      }
      const root = uiRoot();
      if (!root || !existsSync(path.join(root, "index.html"))) {
        if (!isHtmlNavigation(req)) return false;
        sendText(res, 503, "Control UI assets not found. Build them with `npm run build` (or set gateway.controlUi.root).");
        return true;
      }
      if (rel === "/" || rel === "/index.html") {
        await sendIndex(req, res, root, base);
        return true;
      }
      let decoded: string;
      try {
        decoded = decodeURIComponent(rel);
      } catch {
        return false;
      }
      const segments = decoded.split("/").filter(Boolean);
      const looksLikeFile = /\.[A-Za-z0-9]+$/.test(decoded);
      if (looksLikeFile && !segments.some((s) => s === ".." || s === "." || s.includes("\0") || s.includes("\\"))) {
        const file = path.join(root, ...segments);
        if (file.startsWith(root + path.sep) && (await sendFile(req, res, file, segments[0] === "assets"))) return true;
      }
      // Client-side routes: only a browser navigation gets the app; anything else stays a 404.
      if (!looksLikeFile && isHtmlNavigation(req)) {
        await sendIndex(req, res, root, base);
        return true;
      }
      return false;
    },
  };
}
