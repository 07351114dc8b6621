#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/; build it with `npm run build`.
import("../dist/openclaw.js").catch((err) => {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/openclaw.js")) {
    console.error("openclaw: not built yet; run `npm run build` in the project directory first.");
    process.exit(1);
  }
  throw err;
});
