// esbuild plugin: `ws` requires node:https and node:tls at its top, for client connections to
// wss:// URLs only, and node:zlib for permessage-deflate; loading them costs ~10-15 ms at every
// start of the gateway and the CLI. Inside `ws` they resolve to a stand-in that loads the real
// module on first property access (ws reads `https.request`, `tls.connect` and `zlib.*` only
// inside functions, when it opens a client connection or (de)compresses), so nothing changes
// but when they load.
const LAZY = new Set(["https", "tls", "zlib"]);

export const lazyWsBuiltins = {
  name: "lazy-ws-builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?(https|tls|zlib)$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      if (!LAZY.has(name) || !/[\\/]node_modules[\\/]ws[\\/]/.test(args.importer)) return undefined;
      return { path: name, namespace: "lazy-builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      loader: "js",
      contents: `let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:${args.path}"))[key] });\n`,
    }));
  },
};
