import type { CheckResult, CredentialProfile, ProviderInfo } from "../gen/patchbay/v1/credential_pb";
import { CheckStatus, PermissionVerdict } from "../gen/patchbay/v1/credential_pb";

/**
 * What the extension knows about providers, all of it from the daemon:
 * the catalogue (ListProviders) and saved profiles (ListCredentials).
 * Either may be missing while the daemon does not implement it yet.
 */
export interface ProviderCatalog {
  providers: ProviderInfo[];
  profiles: CredentialProfile[];
  /** The keyring backend ("secret-service", "file", ...), when known. */
  backend?: string;
  /** True while the file keyring waits for its passphrase. */
  locked?: boolean;
}

export const emptyCatalog: ProviderCatalog = { providers: [], profiles: [] };

export function displayName(catalog: ProviderCatalog, id: string): string {
  const p = catalog.providers.find((x) => x.id === id);
  if (p?.displayName) return p.displayName;
  // Fallback until the catalogue is served: "auth0" -> "Auth0".
  return id ? id.charAt(0).toUpperCase() + id.slice(1) : "Unknown provider";
}

export type CredentialState = "none" | "ok" | "invalid" | "unchecked";

export function credentialState(catalog: ProviderCatalog, providerId: string): CredentialState {
  const profiles = catalog.profiles.filter((p) => p.provider === providerId);
  if (profiles.length === 0) return "none";
  const preferred = profiles.find((p) => p.profile === "default") ?? profiles[0];
  const status = preferred.lastCheck?.status ?? CheckStatus.UNSPECIFIED;
  if (status === CheckStatus.OK) return "ok";
  if (status === CheckStatus.UNSPECIFIED) return "unchecked";
  return "invalid";
}

/** Short human label for a check status, e.g. "rate limited". */
export function statusLabel(status: CheckStatus): string {
  const name = CheckStatus[status] ?? "UNSPECIFIED";
  if (status === CheckStatus.UNSPECIFIED) return "not checked";
  return name.toLowerCase().replace(/_/g, " ");
}

/** A permission verdict as the page and tooltips say it ("unverifiable"). */
export function verdictLabel(v: PermissionVerdict): string {
  if (v === PermissionVerdict.UNSPECIFIED) return "unspecified";
  return (PermissionVerdict[v] ?? "UNSPECIFIED").toLowerCase();
}

/** The marks the CLI uses too: ✓ verified, ✗ missing, ? unverifiable, + excess. */
export const verdictMarks: Record<string, string> = { verified: "✓", missing: "✗", unverifiable: "?", excess: "+" };

/** One line per permission: "✓ read:clients — verified (granted …)". */
export function permissionLines(check: CheckResult | undefined): string[] {
  return (check?.permissions ?? []).map((p) => {
    const v = verdictLabel(p.verdict);
    return `${verdictMarks[v] ?? "·"} ${p.name} — ${v}${p.detail ? ` (${p.detail})` : ""}`;
  });
}

export function describeCheck(check: CheckResult | undefined): string {
  if (!check) return "not checked";
  const parts = [statusLabel(check.status)];
  if (check.summary) parts.push(check.summary);
  return parts.join(": ");
}

/** Whether the daemon can answer now: "down" covers stopped, reconnecting and failed. */
export type DaemonAvailability = "up" | "starting" | "down";

export interface ProviderRow {
  provider: string;
  label: string;
  profiles: CredentialProfile[];
  /** The analyzed code uses this provider. */
  detected: boolean;
  description: string;
}

/**
 * The Credentials view's providers: connected ones (saved profiles) first,
 * then the ones the code uses, then the rest, each group alphabetical.
 * While the daemon is not up nothing is claimed about connections: the
 * description says the daemon's state instead of "not connected".
 */
export function credentialRows(catalog: ProviderCatalog, detected: ReadonlySet<string>, daemon: DaemonAvailability = "up"): ProviderRow[] {
  const ids = new Set([...catalog.providers.map((p) => p.id), ...catalog.profiles.map((p) => p.provider)]);
  const rows = [...ids].map((id): ProviderRow => {
    const profiles = catalog.profiles.filter((p) => p.provider === id);
    const used = detected.has(id);
    const parts: string[] = [];
    if (profiles.length) parts.push(`${profiles.length} profile${profiles.length === 1 ? "" : "s"}`);
    if (used) parts.push("used in code");
    if (daemon === "down") parts.push("daemon not running");
    else if (daemon === "starting") parts.push("daemon starting");
    else if (!profiles.length) parts.push("not connected");
    return { provider: id, label: displayName(catalog, id), profiles, detected: used, description: parts.join(" · ") };
  });
  const rank = (r: ProviderRow) => (r.profiles.length ? 0 : r.detected ? 1 : 2);
  return rows.sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
}

/** Providers the findings name (SDKs, env vars, webhooks, callbacks). */
export function detectedProviders(findings: Iterable<{ provider: string }>): Set<string> {
  const out = new Set<string>();
  for (const f of findings) if (f.provider) out.add(f.provider);
  return out;
}
