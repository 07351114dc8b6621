// Request body reading with a byte limit and a timeout, mapped to 413 and 408.
import type { IncomingMessage } from "node:http";

export class HttpBodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413,
    message: string,
  ) {
    super(message);
    this.name = "HttpBodyError";
  }
}

export interface ReadBodyOptions {
  maxBytes: number;
  timeoutMs?: number;
}

/** Reads the whole body as a Buffer; rejects with HttpBodyError(413|408) past the limits. */
export function readBody(req: IncomingMessage, opts: ReadBodyOptions): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > opts.maxBytes) {
    req.resume();
    return Promise.reject(new HttpBodyError(413, "Payload too large"));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const timer = setTimeout(() => finish(new HttpBodyError(408, "Request body timeout")), opts.timeoutMs ?? 30_000);
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      if (err) {
        req.resume();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.maxBytes) finish(new HttpBodyError(413, "Payload too large"));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = (err: Error) => finish(err);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Reads and parses a JSON body; a parse failure is a 400 with the parser's message. */
export async function readJsonBody(req: IncomingMessage, opts: ReadBodyOptions): Promise<unknown> {
  const buf = await readBody(req, opts);
  try {
    return JSON.parse(buf.toString("utf8"));
  } catch (err) {
    throw new HttpBodyError(400, (err as Error).message);
  }
}
