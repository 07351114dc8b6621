// Service names per profile: the systemd unit and the launchd label, so several gateways on one
// host (one per profile) each get their own service. Pure; the CLI status path imports it.

/** The profile a service is named after: OPENCLAW_PROFILE, with `default` meaning none. */
export function serviceProfile(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.OPENCLAW_PROFILE?.trim();
  return value && value.toLowerCase() !== "default" ? value : undefined;
}

/** `openclaw-gateway.service`, or `openclaw-gateway-<profile>.service`. */
export function systemdUnitName(profile: string | undefined): string {
  return profile ? `openclaw-gateway-${profile}.service` : "openclaw-gateway.service";
}

/** `ai.openclaw.gateway`, or `ai.openclaw.<profile>`. */
export function launchdLabel(profile: string | undefined): string {
  return profile ? `ai.openclaw.${profile}` : "ai.openclaw.gateway";
}

/** File names that belong to some OpenClaw-like gateway install (ours, other profiles, legacy). */
export function isGatewayLikeServiceFile(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower.endsWith(".service")) return lower.startsWith("openclaw") || lower.startsWith("clawdbot");
  if (lower.endsWith(".plist")) return /^(ai\.openclaw\.|com\.clawdbot\.|com\.openclaw\.|bot\.molt\.)/.test(lower);
  return false;
}
