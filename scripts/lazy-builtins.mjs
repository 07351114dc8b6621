// esbuild plugin: Node built-ins that dependencies require at their top but use only inside rarely
// called functions resolve, for those dependencies, to a stand-in that loads the real module on
// first property access. Loading them costs ~5-15 ms at every start of the gateway and the CLI:
// - `ws`: https and tls (client connections to wss:// URLs: `https.request`, `tls.connect`) and
//   zlib (permessage-deflate, only inside its methods);
// - `commander`: child_process (`spawn`, only for executable subcommands, which we do not use).
// Nothing changes but when they load.
const LAZY = { ws: ["https", "tls", "zlib"], commander: ["child_process"] };

export const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?(https|tls|zlib|child_process)$/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      const pkg = /[\\/]node_modules[\\/]([^\\/]+)[\\/]/.exec(args.importer)?.[1];
      if (!pkg || !LAZY[pkg]?.includes(name)) return undefined;
      return { path: name, namespace: "lazy-builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      loader: "js",
      contents: `let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:${args.path}"))[key] });\n`,
    }));
  },
};
