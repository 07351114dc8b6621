#!/usr/bin/env node
// The baseline for bench/http.mjs: a bare node:http server that answers GET /health with the
// gateway's exact 27-byte body and the same headers (same names, values and order), nothing else.
//   node bench/http-bare-server.mjs <port>    (listens on 127.0.0.1 only)
import http from "node:http";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node bench/http-bare-server.mjs <port>");
  process.exit(2);
}
const BODY = JSON.stringify({ ok: true, status: "live" }); // {"ok":true,"status":"live"}, 27 bytes
const HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "Content-Length": Buffer.byteLength(BODY),
};

const server = http.createServer((req, res) => {
  if (req.url === "/health" && (req.method === "GET" || req.method === "HEAD")) {
    res.writeHead(200, HEADERS);
    res.end(req.method === "HEAD" ? undefined : BODY);
  } else {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": 9 });
    res.end("Not Found");
  }
});
server.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
// Never outlive the benchmark by long, even if it dies without killing us.
setTimeout(() => process.exit(0), 15 * 60_000).unref();
