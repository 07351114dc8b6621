// Params of the automation methods (spec 2.2 "Automation", 2.3 `wake` and `cron.*`): cron jobs,
// wake, last-heartbeat and set-heartbeats.
import { Type, type Static } from "@sinclair/typebox";
import { Closed, NonEmptyString, StringEnum } from "./schema-helpers.js";

export const CronScheduleSchema = Type.Union([
  Closed({ kind: Type.Literal("at"), at: NonEmptyString }),
  Closed({ kind: Type.Literal("every"), everyMs: Type.Integer({ minimum: 1000 }), anchorMs: Type.Optional(Type.Integer({ minimum: 0 })) }),
  Closed({
    kind: Type.Literal("cron"),
    expr: NonEmptyString,
    tz: Type.Optional(NonEmptyString),
    staggerMs: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
]);

export const CronPayloadSchema = Type.Union([
  Closed({ kind: Type.Literal("systemEvent"), text: NonEmptyString }),
  Closed({
    kind: Type.Literal("agentTurn"),
    message: NonEmptyString,
    model: Type.Optional(NonEmptyString),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  }),
]);

export const CronDeliverySchema = Closed({
  mode: StringEnum(["announce", "none"] as const),
  channel: Type.Optional(NonEmptyString),
  to: Type.Optional(NonEmptyString),
  accountId: Type.Optional(NonEmptyString),
});

const SessionTarget = StringEnum(["main", "isolated", "current"] as const);
const WakeMode = StringEnum(["next-heartbeat", "now"] as const);

const jobFields = {
  name: NonEmptyString,
  description: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.Boolean()),
  agentId: Type.Optional(NonEmptyString),
  sessionKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  deleteAfterRun: Type.Optional(Type.Boolean()),
  schedule: CronScheduleSchema,
  sessionTarget: SessionTarget,
  wakeMode: WakeMode,
  payload: CronPayloadSchema,
  delivery: Type.Optional(CronDeliverySchema),
};

export const CronAddParamsSchema = Closed(jobFields, { $id: "CronAddParams" });
export type CronAddParams = Static<typeof CronAddParamsSchema>;

const JobRef = { id: Type.Optional(NonEmptyString), jobId: Type.Optional(NonEmptyString) };

export const CronUpdateParamsSchema = Closed(
  { ...JobRef, patch: Type.Partial(Closed(jobFields), { additionalProperties: false }) },
  { $id: "CronUpdateParams" },
);
export type CronUpdateParams = Static<typeof CronUpdateParamsSchema>;

export const CronJobRefParamsSchema = Closed(JobRef, { $id: "CronJobRefParams" });

export const CronRunParamsSchema = Closed({ ...JobRef, mode: Type.Optional(StringEnum(["due", "force"] as const)) }, { $id: "CronRunParams" });

export const CronListParamsSchema = Closed({ includeDisabled: Type.Optional(Type.Boolean()) }, { $id: "CronListParams" });

export const CronStatusParamsSchema = Closed({}, { $id: "CronStatusParams" });

export const CronRunsParamsSchema = Closed(
  {
    scope: Type.Optional(StringEnum(["job", "all"] as const)),
    ...JobRef,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    statuses: Type.Optional(Type.Array(StringEnum(["ok", "error", "skipped"] as const), { maxItems: 3 })),
    sortDir: Type.Optional(StringEnum(["asc", "desc"] as const)),
  },
  { $id: "CronRunsParams" },
);
export type CronRunsParams = Static<typeof CronRunsParamsSchema>;

export const WakeParamsSchema = Closed({ mode: WakeMode, text: NonEmptyString }, { $id: "WakeParams" });
export type WakeParams = Static<typeof WakeParamsSchema>;

export const LastHeartbeatParamsSchema = Closed({}, { $id: "LastHeartbeatParams" });

export const SetHeartbeatsParamsSchema = Closed({ enabled: Type.Boolean() }, { $id: "SetHeartbeatsParams" });
