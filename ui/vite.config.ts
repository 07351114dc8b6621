// Vite build of the Control UI into dist/control-ui (shipped with the package). Relative asset
// URLs: the gateway serves it under any basePath and sets <base href> in index.html.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../dist/control-ui", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // No inline polyfill script: the CSP allows no inline scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
