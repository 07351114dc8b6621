// Sessions: list with search, a preview of the last messages, and reset / compact / delete.
import { html, nothing } from "lit";
import { ViewElement, ago } from "../view-base.js";

export class OcSessions extends ViewElement {
  static override properties = { ...ViewElement.properties, rows: { state: true }, search: { state: true }, preview: { state: true }, notice: { state: true } };
  declare rows: any[];
  declare search: string;
  declare preview: { key: string; items: any[] } | undefined;
  declare notice: string | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #reload: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.rows = [];
    this.search = "";
  }

  protected override subscribe(): void {
    this.listen("sessions.changed", (p) => this.#changed(p));
  }

  // A known session's event carries its row: patch it in place. Only a new or deleted session
  // needs the list again, and a burst of those (runs starting everywhere) costs one reload.
  #changed(p: any): void {
    const i = this.rows.findIndex((r) => r.key === p?.sessionKey);
    if (i >= 0 && p.reason !== "delete" && p.reason !== "reset" && p.key === p.sessionKey) {
      const { sessionKey: _k, reason: _r, phase: _p, runId: _id, ts: _ts, ...row } = p;
      this.rows = this.rows.map((r, j) => (j === i ? { ...r, ...row } : r));
      return;
    }
    clearTimeout(this.#reload);
    this.#reload = setTimeout(() => void this.load(), 500);
  }

  protected override async refresh(): Promise<void> {
    const res = await this.conn.request<any>("sessions.list", { includeLastMessage: true, includeDerivedTitles: true, ...(this.search ? { search: this.search } : {}) });
    this.rows = res.sessions ?? [];
  }

  #onSearch(value: string): void {
    this.search = value;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.load(), 200);
  }

  #preview(key: string): Promise<void> {
    return this.act(async () => {
      const res = await this.conn.request<any>("sessions.preview", { keys: [key], limit: 8, maxChars: 400 });
      this.preview = { key, items: res.previews?.[0]?.items ?? [] };
    });
  }

  #run(method: string, key: string, confirmText?: string): Promise<void> {
    if (confirmText && !confirm(confirmText)) return Promise.resolve();
    return this.act(async () => {
      await this.conn.request(method, method === "sessions.delete" ? { key, deleteTranscript: true } : { key }, 120_000);
      this.notice = `${method.split(".")[1]}: ${key}`;
      if (this.preview?.key === key) this.preview = undefined;
      await this.refresh();
    });
  }

  override render() {
    return html`
      <h1>Sessions</h1>
      <label for="session-search">Search</label>
      <input id="session-search" type="search" .value=${this.search} @input=${(e: Event) => this.#onSearch((e.target as HTMLInputElement).value)} />
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p role="status">Done (${this.notice}).</p>` : nothing}
      ${this.rows.length === 0 ? html`<p class="muted">No sessions.</p>` : nothing}
      <ul class="list" data-testid="sessions">
        ${this.rows.map((s) => html`<li>
          <div><strong>${s.derivedTitle ?? s.label ?? s.key}</strong> <code>${s.key}</code> · ${ago(s.updatedAt)}${s.status ? ` · ${s.status}` : ""}</div>
          ${s.lastMessagePreview ? html`<div class="muted clip">${s.lastMessagePreview}</div>` : nothing}
          <div class="row">
            <button ?disabled=${this.busy} @click=${() => this.#preview(s.key)}>Preview</button>
            <button ?disabled=${this.busy} @click=${() => this.#run("sessions.reset", s.key, `Reset ${s.key}? The transcript starts over.`)}>Reset</button>
            <button ?disabled=${this.busy} @click=${() => this.#run("sessions.compact", s.key)}>Compact</button>
            <button ?disabled=${this.busy} class="danger" @click=${() => this.#run("sessions.delete", s.key, `Delete ${s.key} and its transcript?`)}>Delete</button>
          </div>
          ${this.preview?.key === s.key ? html`<ol class="preview">${(this.preview?.items ?? []).map((i: any) => html`<li><span class="who">${i.role}</span> ${i.text ?? ""}</li>`)}</ol>` : nothing}
        </li>`)}
      </ul>
    `;
  }
}
customElements.define("oc-sessions", OcSessions);
