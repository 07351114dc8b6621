// Settings: the gateway token (the field the reference's error message promises) and this
// browser's device identity.
import { html, nothing } from "lit";
import { ViewElement } from "../view-base.js";
import { settings } from "../settings.js";
import { loadOrCreateDevice } from "../device.js";

export class OcSettings extends ViewElement {
  static override properties = { ...ViewElement.properties, deviceId: { state: true }, saved: { state: true } };
  declare deviceId: string | undefined;
  declare saved: boolean;

  override connectedCallback(): void {
    super.connectedCallback();
    void loadOrCreateDevice().then((d) => (this.deviceId = d.id), (e) => (this.error = String(e)));
  }

  protected override async refresh(): Promise<void> {}

  #save(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    settings.token = (form.elements.namedItem("token") as HTMLInputElement).value.trim();
    this.saved = true;
    this.conn.restart();
  }

  override render() {
    return html`
      <h1>Settings</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <form @submit=${(e: SubmitEvent) => this.#save(e)}>
        <label for="token">Gateway token</label>
        <input id="token" name="token" type="password" autocomplete="off" .value=${settings.token} />
        <p class="muted">The value of <code>gateway.auth.token</code> (or the password). <code>openclaw dashboard</code> prints a link that fills it in.</p>
        <button type="submit">Save and reconnect</button>
        ${this.saved ? html`<span role="status">Saved.</span>` : nothing}
      </form>
      <h2>This browser</h2>
      <p>Device id: <code data-testid="device-id">${this.deviceId ?? "…"}</code></p>
    `;
  }
}
customElements.define("oc-settings", OcSettings);
