// The gateway's HTTP stages in the reference's order (spec 4.1). The probes come last and are
// added by the gateway itself; the first stage that handles a request wins.
import type { GatewayServices } from "../services.js";
import type { HttpStage } from "./router.js";

export function builtinHttpStages(gw: GatewayServices): HttpStage[] {
  void gw;
  return [];
}
