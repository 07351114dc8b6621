// Write coalescing for WebSocket frames: every frame a connection sends within one turn of the
// event loop (a run's lifecycle start, its deltas, its end and the chat final often come in the
// same turn) leaves in one `writev` instead of one syscall per frame. The frames themselves are
// unchanged (same order, same bytes, one WS frame per event): only the TCP writes are grouped, by
// corking the socket on the first frame and uncorking it when the current turn's ticks and
// microtasks are done (process.nextTick), so nothing waits for a timer or the next I/O.
import type WebSocket from "ws";

/** The part of a net.Socket this needs. */
export interface Corkable {
  cork(): void;
  uncork(): void;
  readonly destroyed?: boolean;
}

const corked = new Set<Corkable>();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  // A socket corked while flushing (a send from inside uncork's write path) gets its own flush.
  const sockets = [...corked];
  corked.clear();
  for (const s of sockets) s.uncork();
}

/** Sends `text` as one WS frame on `ws`, grouping the socket write with the turn's other frames. */
export function sendCoalesced(ws: WebSocket, socket: Corkable | undefined, text: string): void {
  if (socket && !socket.destroyed && !corked.has(socket)) {
    socket.cork();
    corked.add(socket);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(flush);
    }
  }
  ws.send(text);
}
