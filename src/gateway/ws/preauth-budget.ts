// Caps unauthenticated sockets per client IP so a flood of idle upgrades cannot pin memory.
export const DEFAULT_MAX_PREAUTH_CONNECTIONS_PER_IP = 32;

export class PreauthBudget {
  readonly #counts = new Map<string, number>();

  constructor(private readonly maxPerIp = DEFAULT_MAX_PREAUTH_CONNECTIONS_PER_IP) {}

  /** Reserves a slot; returns a release function, or null when the IP is over budget. */
  acquire(ip: string): (() => void) | null {
    const n = this.#counts.get(ip) ?? 0;
    if (n >= this.maxPerIp) return null;
    this.#counts.set(ip, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#counts.get(ip) ?? 1) - 1;
      if (left <= 0) this.#counts.delete(ip);
      else this.#counts.set(ip, left);
    };
  }

  count(ip: string): number {
    return this.#counts.get(ip) ?? 0;
  }
}
