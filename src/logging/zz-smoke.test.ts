import { test } from "vitest";
import { PassThrough } from "node:stream";
import fs from "node:fs";
import { createLogger } from "./logger.js";
test("smoke", async () => {
  const out = new PassThrough(); let text = ""; out.on("data", (c) => (text += c));
  const log = createLogger({ dir: "/tmp/lgsmoke/logs", consoleStream: out, consoleLevel: "debug" });
  log.info("hello %s", { a: 1, err: new Error("boom"), big: 10n });
  const ws = log.child("gateway").child("ws");
  ws.debug("dbg only console");
  ws.warn("careful", { path: "/x y" });
  await log.flush();
  console.log(text);
  console.log(fs.readFileSync(log.filePath, "utf8"));
  await log.close();
});
