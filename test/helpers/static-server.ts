// A tiny HTTP server on 127.0.0.1 serving fixed bodies by path, for tests of URL inputs (no test
// may reach the network). `/redirect?to=<url>` answers 302 to `to`; `/hang` never answers (and
// counts the requests closed on it); an unknown path is a 404.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StaticRoute {
  body: string | Buffer;
  type?: string;
  status?: number;
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  /** `/hang` requests the client has closed. */
  readonly hangsClosed: number;
  close(): Promise<void>;
}

export async function startStaticServer(routes: Record<string, StaticRoute>): Promise<StaticServer> {
  const hits = new Map<string, number>();
  let hangsClosed = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    if (url.pathname === "/redirect") return void res.writeHead(302, { location: url.searchParams.get("to") ?? "/" }).end();
    if (url.pathname === "/hang") return void req.socket.once("close", () => hangsClosed++);
    const route = routes[url.pathname];
    if (!route) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    res.writeHead(route.status ?? 200, route.type ? { "content-type": route.type } : {}).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    get hangsClosed() {
      return hangsClosed;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
