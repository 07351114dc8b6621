// The app shell: bootstrap config, the one gateway connection, the connection state, the
// navigation (paths under the served base path) and the lazily loaded views.
import { LitElement, html, nothing } from "lit";
import { GatewayConnection } from "./client.js";
import { loadOrCreateDevice, type BrowserDevice } from "./device.js";
import { settings, takeFragmentToken } from "./settings.js";

interface BootConfig {
  basePath: string;
  assistantName?: string;
  serverVersion?: string;
}

const VIEWS: Record<string, { label: string; load: () => Promise<unknown> }> = {
  overview: { label: "Overview", load: () => import("./views/overview.js") },
  chat: { label: "Chat", load: () => import("./views/chat.js") },
  sessions: { label: "Sessions", load: () => import("./views/sessions.js") },
  channels: { label: "Channels", load: () => import("./views/channels.js") },
  logs: { label: "Logs", load: () => import("./views/logs.js") },
  config: { label: "Config", load: () => import("./views/config.js") },
  devices: { label: "Devices", load: () => import("./views/devices.js") },
  settings: { label: "Settings", load: () => import("./views/settings.js") },
};

function basePath(): string {
  return new URL(document.baseURI).pathname.replace(/\/?$/, "/");
}

function routeFromLocation(): string {
  const rest = location.pathname.startsWith(basePath()) ? location.pathname.slice(basePath().length) : "";
  const name = rest.split("/")[0] ?? "";
  return name in VIEWS ? name : "overview";
}

export class OcApp extends LitElement {
  static override properties = { route: { state: true }, loaded: { state: true }, tick: { state: true }, boot: { state: true } };
  declare route: string;
  declare loaded: Set<string>;
  declare tick: number;
  declare boot: BootConfig | undefined;
  readonly conn: GatewayConnection;
  #device: Promise<BrowserDevice> | undefined;

  constructor() {
    super();
    takeFragmentToken();
    this.route = routeFromLocation();
    this.loaded = new Set();
    this.tick = 0;
    const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
    this.conn = new GatewayConnection({
      url: wsUrl,
      version: "control-ui",
      device: () => (this.#device ??= loadOrCreateDevice()),
      credentials: () => ({ token: settings.token || undefined, deviceToken: settings.deviceToken || undefined }),
      onDeviceToken: (t) => {
        settings.deviceToken = t;
        // A one-time link token is spent; from now on the device token authenticates.
        if (settings.token.startsWith("ocb_")) settings.token = "";
      },
    });
    this.conn.addEventListener("state", () => this.tick++);
    this.conn.addEventListener("hello", () => this.tick++);
  }

  override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener("popstate", () => this.#show(routeFromLocation()));
    void fetch("__openclaw/control-ui-config.json", { headers: { accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : undefined))
      .then((b: BootConfig | undefined) => {
        this.boot = b;
        if (b?.assistantName) document.title = `${b.assistantName} · OpenClaw Control`;
      })
      .catch(() => undefined);
    this.conn.start();
    void this.#show(this.route);
  }

  async #show(route: string): Promise<void> {
    this.route = route;
    const view = VIEWS[route];
    if (view && !this.loaded.has(route)) {
      await view.load();
      this.loaded = new Set([...this.loaded, route]);
    }
  }

  #navigate(e: MouseEvent, route: string): void {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    history.pushState(null, "", `${basePath()}${route}`);
    void this.#show(route);
  }

  #stateLine() {
    const c = this.conn;
    const err = c.lastError;
    const text =
      c.state === "connected" ? `Connected · ${c.hello?.server.version ?? ""}`
      : c.state === "connecting" ? "Connecting…"
      : c.state === "failed" ? "Not connected"
      : c.nextRetryAt ? `Disconnected · retrying in ${Math.max(1, Math.round((c.nextRetryAt - Date.now()) / 1000))}s` : "Disconnected";
    return html`<div class="conn conn-${c.state}" role="status" aria-live="polite" data-state=${c.state}>
      <span class="dot" aria-hidden="true"></span><span class="conn-text">${text}</span>
      ${err && c.state !== "connected" ? html`<span class="conn-error">${err.message}${err.code === "NOT_PAIRED" ? " · approve this browser on the gateway host: openclaw devices list" : ""}</span>` : nothing}
      ${c.state === "failed" ? html`<a href="${basePath()}settings" @click=${(e: MouseEvent) => this.#navigate(e, "settings")}>Open Settings to enter the gateway token</a>` : nothing}
    </div>`;
  }

  #view() {
    if (!this.loaded.has(this.route)) return html`<p class="muted">Loading…</p>`;
    const c = this.conn;
    switch (this.route) {
      case "chat": return html`<oc-chat .conn=${c}></oc-chat>`;
      case "sessions": return html`<oc-sessions .conn=${c}></oc-sessions>`;
      case "channels": return html`<oc-channels .conn=${c}></oc-channels>`;
      case "logs": return html`<oc-logs .conn=${c}></oc-logs>`;
      case "config": return html`<oc-config .conn=${c}></oc-config>`;
      case "devices": return html`<oc-devices .conn=${c}></oc-devices>`;
      case "settings": return html`<oc-settings .conn=${c}></oc-settings>`;
      default: return html`<oc-overview .conn=${c}></oc-overview>`;
    }
  }

  override render() {
    return html`
      <header class="top">
        <span class="brand">${this.boot?.assistantName ?? "OpenClaw"} Control</span>
        ${this.#stateLine()}
      </header>
      <nav class="tabs" aria-label="Views">
        ${Object.entries(VIEWS).map(([id, v]) => html`<a href="${basePath()}${id}" aria-current=${id === this.route ? "page" : "false"} @click=${(e: MouseEvent) => this.#navigate(e, id)}>${v.label}</a>`)}
      </nav>
      <main id="main">${this.#view()}</main>
    `;
  }
}
customElements.define("oc-app", OcApp);
