// config.get / set / patch / apply / schema: redacted reads, optimistic concurrency by baseHash,
// validation before any write, atomic writes with a backup, and a coalesced restart after apply.
import fs from "node:fs/promises";
import path from "node:path";
import { ErrorCodes, GatewayError, Messages } from "../../errors.js";
import {
  ConfigApplyParamsSchema,
  ConfigGetParamsSchema,
  ConfigSchemaParamsSchema,
  ConfigSetParamsSchema,
} from "../../protocol/methods.js";
import { readConfigSnapshot, type ConfigSnapshot } from "../../config/load.js";
import { resolveConfigValue } from "../../config/resolve.js";
import { formatConfigIssue, type ConfigIssue } from "../../config/errors.js";
import { parseJson5 } from "../../config/json5-parse.js";
import { applyMergePatch } from "../../config/merge-patch.js";
import { redactConfig, redactRaw, restoreRedacted } from "../../config/redact.js";
import { isPlainObject } from "../../config/object-utils.js";
import { formatSecretFailure } from "../../secrets/resolve.js";
import type { GatewayServices } from "../services.js";
import { defineMethod, type MethodContext, type MethodDef } from "./registry.js";

const DEFAULT_RESTART_DELAY_MS = 2000;

function invalidConfig(issues: ConfigIssue[]): GatewayError {
  return new GatewayError(ErrorCodes.INVALID_REQUEST, `invalid config: ${issues.map(formatConfigIssue).join("; ")}`, {
    details: { issues },
  });
}

function checkBaseHash(current: ConfigSnapshot, baseHash: string | undefined) {
  if (!current.exists) return;
  if (!baseHash) throw new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.baseHashRequired);
  if (!current.hash) throw new GatewayError(ErrorCodes.UNAVAILABLE, Messages.baseHashUnavailable);
  if (baseHash !== current.hash) throw new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.baseHashStale);
}

/**
 * Reads the current file, checks baseHash, parses the submitted JSON5 and puts back any
 * redacted secrets (a client round-tripping config.get output must not wipe them).
 */
async function readSubmission(gw: GatewayServices, raw: string, baseHash: string | undefined, requireValid = false) {
  const current = await readConfigSnapshot(gw.configPath);
  if (requireValid && !current.valid) throw new GatewayError(ErrorCodes.INVALID_REQUEST, Messages.invalidConfigBeforePatch);
  checkBaseHash(current, baseHash);
  const parsed = parseJson5(raw, gw.configPath);
  if (!parsed.ok) throw invalidConfig([parsed.issue]);
  const restored = restoreRedacted(parsed.value, current.parsed, gw.configPath);
  if (restored.issues.length > 0) throw invalidConfig(restored.issues);
  return { current, submitted: parsed.value, value: restored.value };
}

/** Validates the would-be file content (after includes and env) and writes it. */
async function validateAndWrite(gw: GatewayServices, next: unknown, source: string, allowShrink: boolean) {
  if (!isPlainObject(next)) throw invalidConfig([{ file: gw.configPath, path: "", message: "expected an object" }]);
  const resolved = await resolveConfigValue(next, gw.configPath);
  if (!resolved.valid) throw invalidConfig(resolved.issues);
  // Preflight (spec 5.4): a config whose SecretRefs cannot be resolved is refused before writing.
  const secrets = await gw.secrets.resolve(resolved.config);
  if (!secrets.ok) {
    const message = `unresolved secret references: ${secrets.failures.map(formatSecretFailure).join("; ")}`;
    throw new GatewayError(ErrorCodes.INVALID_REQUEST, message, { details: { failures: secrets.failures } });
  }
  await gw.writeConfig(next, source, { allowShrink });
  return resolved.config;
}

function rateLimitKey(ctx: MethodContext): string {
  return `${ctx.caller.deviceId ?? "no-device"}|${ctx.caller.remoteAddress}`;
}

async function writeRestartSentinel(gw: GatewayServices, payload: Record<string, unknown>) {
  const file = path.join(gw.stateDir, "restart-sentinel.json");
  await fs.mkdir(gw.stateDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(file, JSON.stringify(payload, null, 2) + "\n", { mode: 0o600 });
  return { path: file, payload };
}

function hasNullDeletion(patch: unknown): boolean {
  if (patch === null) return true;
  if (!isPlainObject(patch)) return false;
  return Object.values(patch).some(hasNullDeletion);
}

type ApplyParams = {
  raw: string;
  baseHash?: string;
  sessionKey?: string;
  deliveryContext?: Record<string, unknown>;
  note?: string;
  restartDelayMs?: number;
};

async function finishWithRestart(ctx: MethodContext, method: string, config: unknown, params: ApplyParams) {
  const gw = ctx.gateway;
  const delayMs = params.restartDelayMs ?? DEFAULT_RESTART_DELAY_MS;
  const restart = gw.scheduleRestart(method, delayMs);
  const sentinelPayload: Record<string, unknown> = { kind: method, ts: Date.now(), restartDelayMs: delayMs };
  if (params.sessionKey) sentinelPayload.sessionKey = params.sessionKey;
  if (params.deliveryContext) sentinelPayload.deliveryContext = params.deliveryContext;
  if (params.note) sentinelPayload.note = params.note;
  const sentinel = await writeRestartSentinel(gw, sentinelPayload);
  return { ok: true, path: gw.configPath, config: redactConfig(config), restart, sentinel };
}

export const configMethods: MethodDef[] = [
  defineMethod({
    name: "config.get",
    params: ConfigGetParamsSchema,
    async handler(ctx) {
      const snap = await readConfigSnapshot(ctx.gateway.configPath);
      const secretsSource = { parsed: snap.parsed, config: snap.config };
      return {
        path: snap.path,
        exists: snap.exists,
        raw: snap.valid && snap.raw !== null ? redactRaw(snap.raw, secretsSource) : null,
        parsed: redactConfig(snap.parsed),
        resolved: redactConfig(snap.config),
        config: redactConfig(snap.config),
        valid: snap.valid,
        hash: snap.hash ?? undefined,
        issues: snap.issues,
        warnings: snap.warnings,
        legacyIssues: [],
        includedPaths: snap.includedPaths,
      };
    },
  }),
  defineMethod({
    name: "config.set",
    params: ConfigSetParamsSchema,
    async handler(ctx, params) {
      const gw = ctx.gateway;
      const { value } = await readSubmission(gw, params.raw, params.baseHash);
      const config = await validateAndWrite(gw, value, "config.set", true);
      // Applied at once (hot or restart, per gateway.reload.mode); the file watcher then finds nothing new.
      await gw.reloadConfig("config.set");
      return { ok: true, path: gw.configPath, config: redactConfig(config) };
    },
  }),
  defineMethod({
    name: "config.patch",
    params: ConfigApplyParamsSchema,
    async handler(ctx, params) {
      const gw = ctx.gateway;
      gw.controlPlaneLimiter.consume("config.patch", rateLimitKey(ctx));
      const { current, submitted, value: patch } = await readSubmission(gw, params.raw, params.baseHash, true);
      const next = applyMergePatch(current.parsed, patch);
      const config = await validateAndWrite(gw, next, "config.patch", hasNullDeletion(submitted));
      return finishWithRestart(ctx, "config.patch", config, params);
    },
  }),
  defineMethod({
    name: "config.apply",
    params: ConfigApplyParamsSchema,
    async handler(ctx, params) {
      const gw = ctx.gateway;
      gw.controlPlaneLimiter.consume("config.apply", rateLimitKey(ctx));
      const { value } = await readSubmission(gw, params.raw, params.baseHash);
      const config = await validateAndWrite(gw, value, "config.apply", true);
      return finishWithRestart(ctx, "config.apply", config, params);
    },
  }),
  defineMethod({
    name: "config.schema",
    params: ConfigSchemaParamsSchema,
    // The config schema (and its TypeBox construction) loads on the first call, not at startup.
    handler: async (ctx) => ({ schema: (await import("../../config/schema.js")).configJsonSchema(), version: ctx.gateway.version }),
  }),
];
