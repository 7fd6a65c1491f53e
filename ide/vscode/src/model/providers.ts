import type { CheckResult, CredentialProfile, ProviderInfo } from "../gen/patchbay/v1/credential_pb";
import { CheckStatus } from "../gen/patchbay/v1/credential_pb";

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

export function describeCheck(check: CheckResult | undefined): string {
  if (!check) return "not checked";
  const parts = [statusLabel(check.status)];
  if (check.summary) parts.push(check.summary);
  return parts.join(": ");
}
