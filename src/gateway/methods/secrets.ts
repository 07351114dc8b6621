// secrets.reload: re-resolves every SecretRef of the running config and swaps the snapshot only
// when all resolved (spec 2.3 #15); a failure keeps the last good snapshot and names each ref.
import { ErrorCodes, GatewayError } from "../../errors.js";
import { ControlUiBootstrapParamsSchema, SecretsReloadParamsSchema } from "../../protocol/methods.js";
import { formatSecretFailure } from "../../secrets/resolve.js";
import { defineMethod, type MethodDef } from "./registry.js";

export const secretsMethods: MethodDef[] = [
  defineMethod({
    name: "secrets.reload",
    params: SecretsReloadParamsSchema,
    async handler(ctx) {
      const gw = ctx.gateway;
      const log = gw.logger.child("gateway/secrets");
      const result = await gw.secrets.reload(gw.config());
      if (!result.ok) {
        const lines = result.failures.map(formatSecretFailure);
        for (const line of lines) log.error(`secrets reload failed, keeping the last good snapshot: ${line}`);
        throw new GatewayError(ErrorCodes.UNAVAILABLE, `secrets reload failed (last good snapshot kept): ${lines.join("; ")}`, {
          details: { failures: result.failures },
        });
      }
      for (const w of result.warnings) log.warn(w.message);
      return { ok: true, warningCount: result.warningCount };
    },
  }),
  // Our addition (admin scope by default deny): `openclaw dashboard` puts this one-time token in
  // the Control UI link instead of the gateway's shared token.
  defineMethod({
    name: "controlUi.bootstrap",
    params: ControlUiBootstrapParamsSchema,
    async handler(ctx) {
      return ctx.gateway.bootstrapTokens.mint();
    },
  }),
];
