// Logs: a live tail (logs.tail polled with its cursor), level filter, search, pause and resume.
import { html, nothing } from "lit";
import { ViewElement } from "../view-base.js";

type Line = { raw: string; level: string; time: string; msg: string };
const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];
const PINO_LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
const MAX_LINES = 2000;
const POLL_MS = 1000;

function parse(raw: string): Line {
  try {
    const j = JSON.parse(raw);
    const level = typeof j.level === "number" ? PINO_LEVELS[j.level] ?? "info" : String(j.level ?? "info").toLowerCase();
    const time = j.time ? new Date(j.time).toISOString().slice(11, 23) : "";
    return { raw, level, time, msg: String(j.msg ?? j.message ?? raw) };
  } catch {
    const m = /\b(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\b/i.exec(raw);
    return { raw, level: m ? m[1]!.toLowerCase() : "info", time: "", msg: raw };
  }
}

export class OcLogs extends ViewElement {
  static override properties = { ...ViewElement.properties, lines: { state: true }, minLevel: { state: true }, search: { state: true }, paused: { state: true }, file: { state: true } };
  declare lines: Line[];
  declare minLevel: string;
  declare search: string;
  declare paused: boolean;
  declare file: string;
  #cursor: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;

  constructor() {
    super();
    this.lines = [];
    this.minLevel = "debug";
    this.search = "";
    this.paused = false;
    this.file = "";
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  protected override async refresh(): Promise<void> {
    await this.#poll();
  }

  async #poll(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#polling || !this.isConnected) return;
    this.#polling = true;
    try {
      if (this.paused || this.conn.state !== "connected") return;
      const res = await this.conn.request<any>("logs.tail", { ...(this.#cursor !== undefined ? { cursor: this.#cursor } : {}), limit: 500 });
      if (res.reset || res.file !== this.file) this.lines = [];
      this.file = res.file;
      this.#cursor = res.cursor;
      if (res.lines?.length) this.lines = [...this.lines, ...res.lines.map(parse)].slice(-MAX_LINES);
    } finally {
      this.#polling = false;
      if (this.isConnected) this.#timer = setTimeout(() => void this.load(), POLL_MS);
    }
  }

  #toggle(): void {
    this.paused = !this.paused;
    if (!this.paused) void this.load();
  }

  override render() {
    const min = LEVELS.indexOf(this.minLevel);
    const q = this.search.toLowerCase();
    const shown = this.lines.filter((l) => LEVELS.indexOf(l.level) >= min && (!q || l.raw.toLowerCase().includes(q)));
    return html`
      <h1>Logs</h1>
      <div class="row">
        <label>Level <select @change=${(e: Event) => (this.minLevel = (e.target as HTMLSelectElement).value)}>
          ${LEVELS.map((l) => html`<option value=${l} ?selected=${l === this.minLevel}>${l}+</option>`)}
        </select></label>
        <label>Search <input type="search" .value=${this.search} @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)} /></label>
        <button data-testid="pause" aria-pressed=${this.paused ? "true" : "false"} @click=${() => this.#toggle()}>${this.paused ? "Resume" : "Pause"}</button>
      </div>
      <p class="muted">${this.file} · ${shown.length} of ${this.lines.length} lines${this.paused ? " · paused" : ""}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="logs" data-testid="log-lines" tabindex="0" aria-label="Log lines">
        ${shown.map((l) => html`<div class="log log-${l.level}"><span class="t">${l.time}</span> <span class="lv">${l.level}</span> ${l.msg}</div>`)}
      </div>
    `;
  }
}
customElements.define("oc-logs", OcLogs);
