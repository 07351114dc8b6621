// Preload (`node --import <this file>`) that reports, on stderr, every file module the process
// loads (`[module-trace] load <url>`) and the moment its first server listens
// (`[module-trace] listening`, then `[module-trace] builtins <names>`: the Node built-in modules
// loaded by then). All are synchronous writes to fd 2, so their order is the order in which they
// happened: a module loaded before the port answered is printed before the marker.
import fs from "node:fs";
import net from "node:net";
import { register } from "node:module";

register("./module-trace-hooks.mjs", import.meta.url);

const listen = net.Server.prototype.listen;
let marked = false;
net.Server.prototype.listen = function (...args) {
  this.once("listening", () => {
    if (marked) return;
    marked = true;
    fs.writeSync(2, "[module-trace] listening\n");
    const builtins = process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice("NativeModule ".length));
    fs.writeSync(2, `[module-trace] builtins ${builtins.join(" ")}\n`);
  });
  return listen.apply(this, args);
};
