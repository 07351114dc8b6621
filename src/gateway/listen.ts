// Listening: the primary host with EADDRINUSE retries (TIME_WAIT), plus best-effort aliases
// (::1 next to 127.0.0.1) that only log when they fail.
import type { Server } from "node:http";
import { GatewayLockError, Messages } from "../errors.js";

export interface ListenOptions {
  retries?: number;
  retryDelayMs?: number;
}

function listenOnce(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ host, port, exclusive: true });
  });
}

/** Listens or throws GatewayLockError with the reference's messages. */
export async function listenWithRetry(server: Server, host: string, port: number, opts: ListenOptions = {}): Promise<number> {
  const retries = opts.retries ?? 4;
  const delay = opts.retryDelayMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    try {
      await listenOnce(server, host, port);
      const addr = server.address();
      return typeof addr === "object" && addr ? addr.port : port;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") {
        if (attempt < retries) {
          await new Promise((r) => setTimeout(r, delay));
          continue;
        }
        throw new GatewayLockError(Messages.addrInUse(host, port));
      }
      throw new GatewayLockError(Messages.bindFailed(host, port, (err as Error).message));
    }
  }
}

/** Best-effort alias listen: resolves false (never throws) when the alias cannot bind. */
export async function listenAlias(server: Server, host: string, port: number): Promise<boolean> {
  try {
    await listenOnce(server, host, port);
    return true;
  } catch {
    return false;
  }
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
