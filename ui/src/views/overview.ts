// Overview: health, status, presence, uptime, version, auth mode, bind and config warnings.
import { html, nothing } from "lit";
import { ViewElement, ago, duration } from "../view-base.js";

export class OcOverview extends ViewElement {
  static override properties = { ...ViewElement.properties, data: { state: true } };
  declare data: { health: any; status: any; presence: any[]; config: any } | undefined;

  protected override subscribe(): void {
    this.listen("presence", () => void this.load());
    this.listen("health", (h) => this.data && (this.data = { ...this.data, health: h }));
  }

  protected override async refresh(): Promise<void> {
    const c = this.conn;
    const [health, status, presence, config] = await Promise.all([
      c.request("health"),
      c.request("status"),
      c.request<any[]>("system-presence"),
      c.request<any>("config.get").catch(() => undefined),
    ]);
    this.data = { health, status, presence, config };
  }

  override render() {
    const d = this.data;
    const hello = this.conn.hello;
    if (!d) return html`<h1>Overview</h1>${this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p class="muted">Loading…</p>`}`;
    const gw = d.config?.config?.gateway ?? {};
    const warnings: string[] = [
      ...(d.config?.warnings ?? []).map((w: any) => (typeof w === "string" ? w : `${w.path ?? ""} ${w.message ?? ""}`.trim())),
      ...(d.config?.issues ?? []).map((i: any) => `${i.path ?? ""}: ${i.message ?? ""}`),
    ];
    return html`
      <h1>Overview</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <section class="cards">
        <div class="card"><h2>Gateway</h2><dl>
          <dt>Health</dt><dd data-testid="health">${d.health?.ok === false ? "not ok" : "ok"}</dd>
          <dt>Version</dt><dd>${d.status?.runtimeVersion ?? hello?.server.version}</dd>
          <dt>Uptime</dt><dd>${duration(d.status?.uptimeMs ?? hello?.snapshot.uptimeMs ?? 0)}</dd>
          <dt>Auth mode</dt><dd>${d.status?.authMode ?? hello?.snapshot.authMode ?? "?"}</dd>
          <dt>Bind</dt><dd>${gw.bind ?? "loopback"} · ${location.host}</dd>
          <dt>Connections</dt><dd>${d.status?.connections ?? "?"}</dd>
          ${d.status?.processMemory ? html`<dt>Memory (RSS)</dt><dd>${Math.round(d.status.processMemory.rssBytes / 1048576)} MB</dd>` : nothing}
        </dl></div>
        <div class="card"><h2>Agents</h2>
          <ul>${(d.health?.agents ?? []).map((a: any) => html`<li>${a.agentId}${a.isDefault ? " (default)" : ""}: ${a.sessions?.count ?? 0} sessions</li>`)}</ul>
        </div>
        <div class="card"><h2>Presence</h2>
          <ul data-testid="presence">${d.presence.map((p) => html`<li>${p.host ?? p.deviceId?.slice(0, 8) ?? "client"} · ${p.mode ?? ""} ${p.platform ?? ""} · ${p.reason ?? "connected"} · ${ago(p.ts)}</li>`)}</ul>
        </div>
        <div class="card"><h2>Warnings</h2>
          ${warnings.length ? html`<ul class="warnings">${warnings.map((w) => html`<li>${w}</li>`)}</ul>` : html`<p class="muted">None</p>`}
        </div>
      </section>
      <p><button @click=${() => this.load()}>Refresh</button></p>
    `;
  }
}
customElements.define("oc-overview", OcOverview);
