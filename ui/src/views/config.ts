// Config: the JSON5 file in an editor, checked as you type (JSON5 syntax, then the gateway's
// config.schema), a diff to review before saving, and config.set with baseHash so a file changed
// underneath is never overwritten: the conflict is explained and the edits are kept.
import { html, nothing } from "lit";
import JSON5 from "json5";
import { Messages } from "../../../src/errors.js";
import { RpcError } from "../client.js";
import { ViewElement, describeError } from "../view-base.js";
import { choicesOf, createSchemaChecker, schemaAt, type SchemaIssue } from "../schema-check.js";
import { lineDiff, type DiffLine } from "../line-diff.js";

/** The keys the form offers; their choices come from the gateway's schema. */
const FORM_KEYS = ["gateway.bind", "gateway.auth.mode", "logging.level", "logging.consoleLevel", "agents.defaults.model"];

function getPath(obj: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== "object" || Array.isArray(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

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
  #schema: Record<string, any> | undefined;
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
    if (schema?.schema) {
      this.#schema = schema.schema;
      this.#check = createSchemaChecker(schema.schema);
    }
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

  /** Writes the form's values into the editor text (as JSON: comments are not kept), for review. */
  #applyForm(e: SubmitEvent): void {
    e.preventDefault();
    let value: Record<string, unknown>;
    try {
      value = JSON5.parse(this.text);
    } catch {
      this.error = "Fix the syntax in the editor before using the form.";
      return;
    }
    const form = e.target as HTMLFormElement;
    for (const key of FORM_KEYS) {
      const field = form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null;
      if (!field) continue;
      const next = field.value.trim() === "" ? undefined : field.value.trim();
      if (next !== getPath(value, key)) setPath(value, key, next);
    }
    this.#onInput(`${JSON.stringify(value, null, 2)}\n`);
    this.#validate();
  }

  #renderForm() {
    let current: unknown;
    try {
      current = JSON5.parse(this.text);
    } catch {
      return nothing;
    }
    const fields = FORM_KEYS.map((key) => {
      const node = this.#schema ? schemaAt(this.#schema, key) : undefined;
      const value = getPath(current, key);
      if (value !== undefined && typeof value !== "string") return nothing;
      const choices = choicesOf(node);
      const id = `form-${key.replace(/\./g, "-")}`;
      return html`<div><label for=${id}>${key}</label>
        ${choices ? html`<select id=${id} name=${key}><option value="" ?selected=${value === undefined}>(not set)</option>${choices.map((c) => html`<option value=${String(c)} ?selected=${c === value}>${String(c)}</option>`)}</select>`
        : html`<input id=${id} name=${key} .value=${(value as string | undefined) ?? ""} placeholder="(not set)" />`}</div>`;
    });
    return html`<details class="form"><summary>Common settings</summary>
      <form @submit=${(e: SubmitEvent) => this.#applyForm(e)}>${fields}
        <p class="muted">Applying rewrites the editor as JSON (comments are not kept); review the changes, then save.</p>
        <button type="submit">Apply to editor</button></form></details>`;
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
      ${this.#renderForm()}
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
