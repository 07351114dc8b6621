// Shared base of the views: light DOM (one global stylesheet, nothing inline, so the strict CSP
// holds), a connection, and a refresh after every (re)connect and every seq gap.
import { LitElement } from "lit";
import type { GatewayConnection } from "./client.js";
import { RpcError } from "./client.js";

export abstract class ViewElement extends LitElement {
  static override properties = { conn: { attribute: false }, error: { state: true }, busy: { state: true } };
  declare conn: GatewayConnection;
  declare error: string | undefined;
  declare busy: boolean;
  #off: (() => void)[] = [];

  override createRenderRoot() {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const again = () => {
      if (this.conn.state === "connected") void this.load();
    };
    this.conn.addEventListener("hello", again);
    this.conn.addEventListener("gap", again);
    this.#off.push(() => this.conn.removeEventListener("hello", again), () => this.conn.removeEventListener("gap", again));
    this.subscribe();
    again();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#off.splice(0).forEach((off) => off());
  }

  /** Adds an event subscription that ends with the view. */
  protected listen(event: string, fn: (payload: any) => void): void {
    this.#off.push(this.conn.on(event, fn));
  }

  protected subscribe(): void {}

  /** Fetches the view's state; errors show in the view. */
  async load(): Promise<void> {
    try {
      this.error = undefined;
      await this.refresh();
    } catch (err) {
      this.error = describeError(err);
    }
  }

  protected abstract refresh(): Promise<void>;

  /** Runs an action with the busy flag and the view's error line. */
  protected async act(fn: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      await fn();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }
}

export function describeError(err: unknown): string {
  if (err instanceof RpcError) return `${err.shape.code}: ${err.shape.message}`;
  return err instanceof Error ? err.message : String(err);
}

export function ago(ms: number | null | undefined): string {
  if (!ms) return "never";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : s < 86400 ? `${Math.round(s / 3600)}h ago` : `${Math.round(s / 86400)}d ago`;
}

export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
}
