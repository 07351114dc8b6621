// Devices: pending pairing requests (approve / reject) and paired devices (revoke a role's
// token, or remove the device); live on device.pair.* events.
import { html, nothing } from "lit";
import { ViewElement, ago } from "../view-base.js";
import type { DevicePairListResult } from "../../../src/protocol/methods-devices.js";
import { loadOrCreateDevice } from "../device.js";

export class OcDevices extends ViewElement {
  static override properties = { ...ViewElement.properties, list: { state: true }, notice: { state: true }, selfId: { state: true } };
  declare list: DevicePairListResult | undefined;
  declare notice: string | undefined;
  declare selfId: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void loadOrCreateDevice().then((d) => (this.selfId = d.id), () => undefined);
  }

  protected override subscribe(): void {
    this.listen("device.pair.requested", () => void this.load());
    this.listen("device.pair.resolved", () => void this.load());
  }

  protected override async refresh(): Promise<void> {
    this.list = await this.conn.request<DevicePairListResult>("device.pair.list");
  }

  #do(method: string, params: Record<string, string>, done: string, confirmText?: string): Promise<void> {
    if (confirmText && !confirm(confirmText)) return Promise.resolve();
    return this.act(async () => {
      await this.conn.request(method, params);
      this.notice = done;
      await this.refresh();
    });
  }

  override render() {
    const l = this.list;
    return html`
      <h1>Devices</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p role="status">${this.notice}</p>` : nothing}
      <h2>Pending requests</h2>
      ${!l?.pending.length ? html`<p class="muted" data-testid="no-pending">No pending requests.</p>` : nothing}
      <ul class="list" data-testid="pending">
        ${(l?.pending ?? []).map((r) => html`<li>
          <div><strong>${r.displayName ?? r.clientId}</strong> · ${r.platform} · ${r.role} [${r.scopes.join(", ")}] · ${r.reason} · from ${r.remoteAddress} · ${ago(r.createdAtMs)}</div>
          <div class="muted"><code>${r.deviceId.slice(0, 16)}…</code> request <code>${r.requestId}</code></div>
          <div class="row">
            <button ?disabled=${this.busy} @click=${() => this.#do("device.pair.approve", { requestId: r.requestId }, `Approved ${r.requestId}.`)}>Approve</button>
            <button ?disabled=${this.busy} class="danger" @click=${() => this.#do("device.pair.reject", { requestId: r.requestId }, `Rejected ${r.requestId}.`)}>Reject</button>
          </div>
        </li>`)}
      </ul>
      <h2>Paired devices</h2>
      <ul class="list" data-testid="paired">
        ${(l?.paired ?? []).map((d) => html`<li>
          <div><strong>${d.displayName ?? d.clientId}</strong>${d.deviceId === this.selfId ? " (this browser)" : ""} · ${d.platform} · roles ${d.roles.join(", ")} · last seen ${ago(d.lastSeenAtMs)}</div>
          <div class="muted"><code>${d.deviceId.slice(0, 16)}…</code></div>
          <div class="row">
            ${d.tokens.map((t) => html`<button ?disabled=${this.busy} @click=${() => this.#do("device.token.revoke", { deviceId: d.deviceId, role: t.role }, `Revoked the ${t.role} token.`, d.deviceId === this.selfId ? `This is the browser you are using: revoking its ${t.role} token disconnects it. Continue?` : `Revoke the ${t.role} token of this device?`)}>Revoke ${t.role} token</button>`)}
            <button ?disabled=${this.busy} class="danger" @click=${() => this.#do("device.pair.remove", { deviceId: d.deviceId }, "Device removed.", d.deviceId === this.selfId ? "This is the browser you are using: removing it disconnects it until it pairs again. Continue?" : "Remove this device? It must pair again.")}>Remove</button>
          </div>
        </li>`)}
      </ul>
    `;
  }
}
customElements.define("oc-devices", OcDevices);
