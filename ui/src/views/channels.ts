// Channels: channels.status per channel/account when the gateway has it, else the health summary.
import { html, nothing } from "lit";
import { ViewElement } from "../view-base.js";

export class OcChannels extends ViewElement {
  static override properties = { ...ViewElement.properties, rows: { state: true } };
  declare rows: { id: string; label: string; state: string; accounts: any[] }[] | undefined;

  protected override async refresh(probe = false): Promise<void> {
    const c = this.conn;
    const src: any = c.hasMethod("channels.status") ? await c.request("channels.status", probe ? { probe: true } : {}) : await c.request("health", probe ? { probe: true } : {});
    const channels = src?.channels ?? {};
    const order: string[] = src?.channelOrder ?? Object.keys(channels);
    const labels = src?.channelLabels ?? {};
    this.rows = order.map((id) => {
      const ch = channels[id] ?? {};
      const accounts = Array.isArray(ch.accounts) ? ch.accounts : Object.values(ch.accounts ?? {});
      return { id, label: labels[id] ?? id, state: ch.linked ? "linked" : ch.configured ? "configured" : "not configured", accounts };
    });
  }

  override render() {
    return html`
      <h1>Channels</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.rows?.length === 0 ? html`<p class="muted" data-testid="no-channels">No channels configured.</p>` : nothing}
      <ul class="list">${(this.rows ?? []).map((r) => html`<li><strong>${r.label}</strong> · ${r.state}
        ${r.accounts.length ? html`<ul>${r.accounts.map((a: any) => html`<li>${a.accountId ?? "default"}: ${a.linked ? "linked" : a.configured ? "configured" : "not configured"}${a.probe?.ok === false ? ` · probe failed: ${a.probe.error ?? ""}` : ""}</li>`)}</ul>` : nothing}</li>`)}</ul>
      <button ?disabled=${this.busy} @click=${() => this.act(() => this.refresh(true))}>Probe</button>
    `;
  }
}
customElements.define("oc-channels", OcChannels);
