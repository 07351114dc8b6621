// Config: the JSON5 file in an editor, checked as you type (JSON5 syntax, then the gateway's
// config.schema), a diff to review before saving, and config.set with baseHash so a file changed
// underneath is never overwritten: the conflict is explained and the edits are kept.
import { html, nothing } from "lit";
import JSON5 from "json5";
import { Messages } from "../../../src/errors.js";
import { RpcError } from "../client.js";
import { ViewElement, describeError } from "../view-base.js";
import { createSchemaChecker, type SchemaIssue } from "../schema-check.js";
import { lineDiff, type DiffLine } from "../line-diff.js";

export class OcConfig extends ViewElement {
  static override properties = {
    ...ViewElement.properties,
    original: { state: true }, text: { state: true }, hash: { state: true }, path: { state: true },
    issues: { state: true }, syntax: { state: true }, diff: { state: true }, conflict: { state: true }, saved: { state: true }, serverIssues: { state: true },
  };
  declare original: string | undefined;
  declare text: string;
  declare hash: string | undefined;
  declare path: string;
  declare issues: SchemaIssue[];
  declare syntax: string | undefined;
  declare diff: DiffLine[] | undefined;
  declare conflict: boolean;
  declare saved: boolean;
  declare serverIssues: string[];
  #check: ((v: unknown) => SchemaIssue[]) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.text = "";
    this.path = "";
    this.issues = [];
    this.conflict = false;
    this.saved = false;
    this.serverIssues = [];
  }

  protected override async refresh(): Promise<void> {
    // Never replace unsaved edits behind the user's back (a reconnect also refreshes).
    if (this.original !== undefined && this.text !== this.original) return;
    await this.#reload();
  }

  async #reload(): Promise<void> {
    const c = this.conn;
    const [snap, schema] = await Promise.all([
      c.request<any>("config.get"),
      c.hasMethod("config.schema") && !this.#check ? c.request<any>("config.schema").catch(() => undefined) : Promise.resolve(undefined),
    ]);
    if (schema?.schema) this.#check = createSchemaChecker(schema.schema);
    this.path = snap.path;
    this.hash = snap.hash;
    this.serverIssues = snap.valid ? [] : (snap.issues ?? []).map((i: any) => `${i.path ?? ""}: ${i.message ?? ""}`);
    this.original = snap.raw ?? (snap.exists ? "" : "{\n}\n");
    this.text = this.original ?? "";
    this.diff = undefined;
    this.conflict = false;
    this.#validate();
  }

  #validate(): void {
    try {
      const value = JSON5.parse(this.text);
      this.syntax = undefined;
      this.issues = this.#check ? this.#check(value).slice(0, 50) : [];
    } catch (err) {
      this.syntax = (err as Error).message;
      this.issues = [];
    }
  }

  #onInput(value: string): void {
    this.text = value;
    this.saved = false;
    this.diff = undefined;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#validate(), 150);
  }

  async #save(): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      await this.conn.request("config.set", { raw: this.text, ...(this.hash ? { baseHash: this.hash } : {}) });
      this.saved = true;
      this.original = undefined;
      await this.#reload();
      this.saved = true;
    } catch (err) {
      if (err instanceof RpcError && (err.shape.message === Messages.baseHashStale || err.shape.message === Messages.baseHashRequired)) this.conflict = true;
      else this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const dirty = this.original !== undefined && this.text !== this.original;
    const invalid = !!this.syntax || this.issues.length > 0;
    return html`
      <h1>Config</h1>
      <p class="muted"><code>${this.path}</code>${this.hash ? html` · hash <code>${this.hash.slice(0, 12)}</code>` : nothing}${this.#check ? " · checked against the gateway's schema" : " · checked by the gateway on save"}</p>
      ${this.serverIssues.length ? html`<div class="error" role="alert">The file on disk is invalid and cannot be shown redacted:<ul>${this.serverIssues.map((i) => html`<li>${i}</li>`)}</ul></div>` : nothing}
      ${this.conflict ? html`<div class="conflict" role="alert" data-testid="conflict">
        <strong>The config file changed on disk after you loaded it.</strong> Nothing was saved. Your edits are still in the editor:
        copy them, then reload the current file and apply them again.
        <button @click=${() => this.act(async () => { this.original = undefined; await this.#reload(); })}>Reload current file (discard my edits)</button>
      </div>` : nothing}
      <label for="config-text">openclaw.json (JSON5)</label>
      <textarea id="config-text" class="editor" spellcheck="false" rows="20" .value=${this.text} @input=${(e: Event) => this.#onInput((e.target as HTMLTextAreaElement).value)}></textarea>
      <div class="check" aria-live="polite" data-testid="config-check">
        ${this.syntax ? html`<p class="error">Syntax: ${this.syntax}</p>`
        : this.issues.length ? html`<ul class="error">${this.issues.map((i) => html`<li><code>${i.path || "(root)"}</code>: ${i.message}</li>`)}</ul>`
        : html`<p class="ok">Valid${dirty ? " (unsaved changes)" : ""}.</p>`}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.saved && !dirty ? html`<p role="status" data-testid="saved">Saved.</p>` : nothing}
      <div class="row">
        <button ?disabled=${!dirty || invalid} @click=${() => (this.diff = lineDiff(this.original ?? "", this.text))}>Review changes</button>
        <button ?disabled=${!dirty} @click=${() => { this.text = this.original ?? ""; this.diff = undefined; this.#validate(); }}>Revert</button>
        <button ?disabled=${this.busy} @click=${() => this.act(() => this.refresh())}>Reload</button>
      </div>
      ${this.diff ? html`<h2>Changes</h2><pre class="diff" data-testid="diff">${this.diff.filter((d, i, all) => d.op !== " " || all.slice(Math.max(0, i - 2), i + 3).some((x) => x.op !== " ")).map((d) => html`<span class="d${d.op === "+" ? "add" : d.op === "-" ? "del" : "ctx"}">${d.op} ${d.text}\n</span>`)}</pre>
        <button class="primary" ?disabled=${this.busy || invalid} @click=${() => this.#save()}>Save</button>` : nothing}
    `;
  }
}
customElements.define("oc-config", OcConfig);
