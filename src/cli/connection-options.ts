// The connection flags every RPC command shares (spec 6.2: --url --token --password --timeout).
import type { Command } from "commander";
import { DEFAULT_RPC_TIMEOUT_MS } from "./options.js";

export function addConnectionOptions(cmd: Command, defaultTimeoutMs: number = DEFAULT_RPC_TIMEOUT_MS): Command {
  return cmd
    .option("--url <url>", "gateway WebSocket URL (default ws://127.0.0.1:<port>); config and env credentials are then not used")
    .option("--token <token>", "gateway token")
    .option("--password <password>", "gateway password")
    .option("--tls-fingerprint <sha256>", "for wss://: accept only the certificate with this SHA-256 fingerprint (see `openclaw gateway status` on the gateway host)")
    .option("--timeout <ms>", "timeout in milliseconds", String(defaultTimeoutMs));
}
