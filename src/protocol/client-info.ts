// Client ids and modes accepted in `connect` (the union of protocol 3 and 4, wire-captures 5).

export const CLIENT_IDS = [
  "webchat-ui",
  "openclaw-control-ui",
  "openclaw-browser-copilot",
  "openclaw-tui",
  "webchat",
  "cli",
  "gateway-client",
  "openclaw-macos",
  "openclaw-linux",
  "openclaw-ios",
  "openclaw-watchos",
  "openclaw-android",
  "node-host",
  "openclaw-worker",
  "test",
  "fingerprint",
  "openclaw-probe",
] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

export const CLIENT_MODES = ["webchat", "cli", "ui", "backend", "node", "worker", "probe", "test"] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

/** Browser-hosted operator UIs: origin checks and UI auth hints apply to them. */
export function isBrowserUiClient(id: string, mode?: string): boolean {
  return id === "openclaw-control-ui" || id === "webchat-ui" || id === "webchat" || mode === "webchat" || mode === "ui";
}

/** CLI clients are not tracked in presence (reference behaviour). */
export function isCliClient(id: string, mode?: string): boolean {
  return id === "cli" || mode === "cli";
}

/** Operator cap in `connect.caps`: the tool stream of the runs the client starts (spec 1.5, 3.1). */
export const TOOL_EVENTS_CAP = "tool-events";
