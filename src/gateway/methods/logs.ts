// logs.tail: cursor paging over the gateway's current log file.
import { ErrorCodes, GatewayError, Messages, formatError } from "../../errors.js";
import { LogsTailParamsSchema } from "../../protocol/methods.js";
import { tailLogFile } from "../../logging/tail.js";
import { defineMethod, type MethodDef } from "./registry.js";

export const logsMethods: MethodDef[] = [
  defineMethod({
    name: "logs.tail",
    params: LogsTailParamsSchema,
    async handler(ctx, params) {
      await ctx.gateway.logger.flush();
      try {
        return await tailLogFile({ file: ctx.gateway.logFile(), ...params });
      } catch (err) {
        throw new GatewayError(ErrorCodes.UNAVAILABLE, Messages.logReadFailed(formatError(err)));
      }
    },
  }),
];
