// Chat: pick an agent and a session, send, watch the reply stream (chat deltas), abort, page back
// through history; tool calls are shown collapsed, errors inline with their kind.
import { html, nothing } from "lit";
import { ViewElement } from "../view-base.js";

type Block = { type: string; text?: string; name?: string; arguments?: unknown; id?: string };
type Msg = { role: string; content?: Block[] | string; toolName?: string; isError?: boolean; timestamp?: number; errorMessage?: string };
type Live = { runId: string; text: string; tools: { id: string; name: string; phase: string; args?: unknown; isError?: boolean }[]; state: string; error?: { kind: string; message: string } };

const PAGE = 50;

function textOf(m: Msg): string {
  if (typeof m.content === "string") return m.content;
  return (m.content ?? []).filter((b) => b.type === "text").map((b) => b.text ?? "").join("");
}

export class OcChat extends ViewElement {
  static override properties = {
    ...ViewElement.properties,
    agents: { state: true }, agentId: { state: true }, sessionKey: { state: true }, sessions: { state: true },
    messages: { state: true }, limit: { state: true }, more: { state: true }, live: { state: true },
  };
  declare agents: { id: string; name?: string }[];
  declare agentId: string;
  declare sessionKey: string;
  declare sessions: string[];
  declare messages: Msg[];
  declare limit: number;
  declare more: boolean;
  declare live: Live | undefined;

  constructor() {
    super();
    this.agents = [];
    this.agentId = "";
    this.sessionKey = "";
    this.sessions = [];
    this.messages = [];
    this.limit = PAGE;
    this.more = false;
  }

  protected override subscribe(): void {
    this.listen("chat", (p) => this.#onChat(p));
    this.listen("agent", (p) => this.#onAgent(p));
  }

  protected override async refresh(): Promise<void> {
    const list = await this.conn.request<any>("agents.list");
    this.agents = list.agents ?? [];
    if (!this.agentId) this.agentId = list.defaultId ?? this.agents[0]?.id ?? "main";
    if (!this.sessionKey) this.sessionKey = this.conn.hello?.snapshot.sessionDefaults?.mainSessionKey ?? `agent:${this.agentId}:${list.mainKey ?? "main"}`;
    await Promise.all([this.#loadSessions(), this.#loadHistory()]);
  }

  async #loadSessions(): Promise<void> {
    const res = await this.conn.request<any>("sessions.list", { agentId: this.agentId });
    const keys: string[] = (res.sessions ?? []).map((s: any) => s.key);
    if (!keys.includes(this.sessionKey)) keys.unshift(this.sessionKey);
    this.sessions = keys;
  }

  async #loadHistory(): Promise<void> {
    const res = await this.conn.request<any>("chat.history", { sessionKey: this.sessionKey, limit: this.limit });
    this.messages = res.messages ?? [];
    this.more = this.messages.length >= this.limit;
  }

  #onChat(p: any): void {
    if (p.sessionKey !== this.sessionKey) return;
    const cur = this.live;
    const live: Live = cur && cur.runId === p.runId ? { ...cur } : { runId: p.runId, text: "", tools: [], state: "streaming" };
    if (p.message) live.text = textOf(p.message);
    live.state = p.state === "delta" ? "streaming" : p.state;
    if (p.state === "error") live.error = { kind: p.errorKind ?? "unknown", message: p.errorMessage ?? "run failed" };
    this.live = live;
    if (p.state === "final") void this.#loadHistory().then(() => { if (this.live?.runId === p.runId) this.live = undefined; });
  }

  #onAgent(p: any): void {
    const cur = this.live;
    if (p.sessionKey !== this.sessionKey || p.stream !== "tool" || !cur || cur.runId !== p.runId) return;
    const d = p.data ?? {};
    const tools = cur.tools.filter((t) => t.id !== d.toolCallId);
    const prev = cur.tools.find((t) => t.id === d.toolCallId);
    tools.push({ id: d.toolCallId, name: d.name, phase: d.phase, args: d.args ?? prev?.args, isError: d.isError });
    this.live = { ...cur, tools };
  }

  async #send(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem("message") as HTMLTextAreaElement;
    const message = input.value;
    if (!message.trim()) return;
    const runId = crypto.randomUUID();
    await this.act(async () => {
      this.messages = [...this.messages, { role: "user", content: [{ type: "text", text: message }], timestamp: Date.now() }];
      this.live = { runId, text: "", tools: [], state: "streaming" };
      input.value = "";
      const res = await this.conn.request<any>("chat.send", { sessionKey: this.sessionKey, message, idempotencyKey: runId });
      if (!res.runId) this.live = undefined;
      if (res.reset || res.aborted !== undefined) await this.#loadHistory();
    });
    if (this.error && this.live?.runId === runId && !this.live.text) this.live = undefined;
  }

  #abort(): Promise<void> {
    const runId = this.live?.runId;
    return this.act(() => this.conn.request("chat.abort", { sessionKey: this.sessionKey, ...(runId ? { runId } : {}) }));
  }

  #pickAgent(id: string): void {
    this.agentId = id;
    this.sessionKey = `agent:${id}:main`;
    this.limit = PAGE;
    this.live = undefined;
    void this.load();
  }

  #pickSession(key: string): void {
    const k = key.trim();
    if (!k) return;
    this.sessionKey = k.startsWith("agent:") ? k : `agent:${this.agentId}:${k}`;
    this.limit = PAGE;
    this.live = undefined;
    void this.load();
  }

  #renderMessage(m: Msg) {
    if (m.role === "toolResult") {
      return html`<details class="tool"><summary>Tool result: ${m.toolName ?? "tool"}${m.isError ? " (error)" : ""}</summary><pre>${textOf(m)}</pre></details>`;
    }
    const blocks = Array.isArray(m.content) ? m.content : [{ type: "text", text: String(m.content ?? "") }];
    return html`<div class="msg msg-${m.role}" data-role=${m.role}>
      <span class="who">${m.role === "user" ? "You" : m.role}</span>
      ${blocks.map((b) =>
        b.type === "text" ? html`<div class="text">${b.text}</div>`
        : b.type === "toolCall" ? html`<details class="tool"><summary>Tool call: ${b.name}</summary><pre>${JSON.stringify(b.arguments, null, 2)}</pre></details>`
        : nothing)}
      ${m.errorMessage ? html`<p class="error">${m.errorMessage}</p>` : nothing}
    </div>`;
  }

  override render() {
    const live = this.live;
    const running = live && live.state === "streaming";
    return html`
      <h1>Chat</h1>
      <div class="row">
        <label>Agent <select @change=${(e: Event) => this.#pickAgent((e.target as HTMLSelectElement).value)}>
          ${this.agents.map((a) => html`<option value=${a.id} ?selected=${a.id === this.agentId}>${a.name ?? a.id}</option>`)}
        </select></label>
        <label>Session <select data-testid="session-select" @change=${(e: Event) => this.#pickSession((e.target as HTMLSelectElement).value)}>
          ${this.sessions.map((k) => html`<option value=${k} ?selected=${k === this.sessionKey}>${k}</option>`)}
        </select></label>
        <form class="inline" @submit=${(e: SubmitEvent) => { e.preventDefault(); this.#pickSession(((e.target as HTMLFormElement).elements.namedItem("key") as HTMLInputElement).value); }}>
          <input name="key" aria-label="New session name" placeholder="new session" size="10" /><button type="submit">Open</button>
        </form>
      </div>
      ${this.more ? html`<button class="link" @click=${() => { this.limit += PAGE; void this.load(); }}>Load older messages</button>` : nothing}
      <div class="messages" data-testid="messages" aria-live="polite">
        ${this.messages.map((m) => this.#renderMessage(m))}
        ${live ? html`<div class="msg msg-assistant live" data-testid="live" data-state=${live.state}>
          <span class="who">assistant${running ? " …" : ""}</span>
          ${live.tools.map((t) => html`<details class="tool"><summary>Tool ${t.name}: ${t.phase}${t.isError ? " (error)" : ""}</summary><pre>${JSON.stringify(t.args ?? {}, null, 2)}</pre></details>`)}
          <div class="text">${live.text}</div>
          ${live.state === "aborted" ? html`<p class="muted" data-testid="aborted">Aborted.</p>` : nothing}
          ${live.error ? html`<p class="error" role="alert" data-testid="run-error"><strong>${live.error.kind}</strong>: ${live.error.message}</p>` : nothing}
        </div>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <form class="composer" @submit=${(e: SubmitEvent) => this.#send(e)}>
        <textarea name="message" aria-label="Message" rows="3" placeholder="Message (Enter sends, Shift+Enter for a new line)"
          @keydown=${(e: KeyboardEvent) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); (e.target as HTMLTextAreaElement).form?.requestSubmit(); } }}></textarea>
        <div class="row"><button type="submit" ?disabled=${this.busy}>Send</button>
        <button type="button" ?disabled=${!running} @click=${() => this.#abort()}>Abort</button></div>
      </form>
    `;
  }
}
customElements.define("oc-chat", OcChat);
